import { DynamicModule, Global, Module } from '@nestjs/common';
import { LeadIntakeSettings } from './config';

/** Injection token for the lead-intake settings (rate limits, duplicate window). */
export const LEAD_INTAKE_SETTINGS = Symbol('LEAD_INTAKE_SETTINGS');

@Global()
@Module({})
export class LeadIntakeSettingsModule {
  static forRoot(settings: LeadIntakeSettings): DynamicModule {
    return { module: LeadIntakeSettingsModule, providers: [{ provide: LEAD_INTAKE_SETTINGS, useValue: settings }], exports: [LEAD_INTAKE_SETTINGS] };
  }
}
