#!/usr/bin/env bash
# Writes the Nx project files for one app or lib: tools/scaffold-project.sh apps ledger "type:app"
set -euo pipefail
kind=$1; name=$2; tags=$3
dir="$kind/$name"; mkdir -p "$dir/src"
type=$([ "$kind" = apps ] && echo application || echo library)
tagjson=$(printf '%s' "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "outDir": "../../dist", "types": ["node"] },
  "include": ["src/**/*.ts", "../../tools/register-paths.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/test/**"]
}
JSON
cat > "$dir/jest.config.js" <<JS
module.exports = { ...require('../../jest.preset.js'), displayName: '$name', rootDir: __dirname };
JS
if [ "$kind" = apps ]; then
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$type",
  "tags": [$tagjson],
  "targets": {
    "build": { "command": "tsc -p $dir/tsconfig.json", "outputs": ["{workspaceRoot}/dist/$dir"] },
    "serve": { "command": "node -r ./dist/tools/register-paths.js dist/$dir/src/main.js", "dependsOn": ["build"], "continuous": true },
    "test": { "command": "jest -c $dir/jest.config.js" },
    "lint": { "command": "eslint $dir" }
  }
}
JSON
else
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$type",
  "tags": [$tagjson],
  "targets": {
    "build": { "command": "tsc -p $dir/tsconfig.json --noEmit" },
    "serve": { "command": "tsc -p $dir/tsconfig.json --noEmit --watch", "continuous": true },
    "test": { "command": "jest -c $dir/jest.config.js" },
    "lint": { "command": "eslint $dir" }
  }
}
JSON
fi
