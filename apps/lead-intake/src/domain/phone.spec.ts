import { normaliseIndianMobile } from './phone';

describe('normaliseIndianMobile', () => {
  it.each([
    ['9876543210'],
    ['98765 43210'],
    ['98765-43210'],
    ['+91-9876543210'],
    ['+91 98765 43210'],
    ['(+91) 98765-43210'],
    ['919876543210'],
    ['09876543210'],
    ['0091 9876543210'],
    [' +919876543210 '],
  ])('accepts %p as +919876543210', (input) => {
    expect(normaliseIndianMobile(input)).toBe('+919876543210');
  });

  it.each([
    ['12345'],
    ['5876543210'], // Indian mobiles start with 6-9
    ['+1 415 555 0100'],
    ['+4479460001234'],
    ['98765432101'],
    ['98765abcde'],
    ['+91 98765 4321'],
    [''],
    [9876543210],
    [null],
  ])('rejects %p', (input) => {
    expect(normaliseIndianMobile(input)).toBeNull();
  });
});
