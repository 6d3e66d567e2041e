// Recipient errors, in a file of their own so that phone.ts and recipients.ts can both use them
// without importing each other.

export class InvalidRecipientError extends Error {}

/**
 * Notify's reasons a phone number is refused (notifications-utils, recipient_validation/errors.py,
 * InvalidPhoneError.Codes).
 */
export type PhoneErrorCode =
  | 'invalid_number'
  | 'too_long'
  | 'too_short'
  | 'not_a_uk_mobile'
  | 'unknown_character'
  | 'unsupported_country_code'
  | 'unsupported_emergency_number';

/**
 * The messages the v2 API returns (Notify's LEGACY_V2_API_ERROR_MESSAGES, from notifications-utils
 * recipient_validation/errors.py): bare, the v2 routes prefix them with the field
 * (`phone_number Not enough digits`).
 */
export const PHONE_MESSAGES = {
  invalidNumber: 'Number is not valid – double check the phone number you entered',
  tooLong: 'Too many digits',
  tooShort: 'Not enough digits',
  notUkMobile: 'Not a UK mobile number',
  badCharacters: 'Must not contain letters or symbols',
  badPrefix: 'Not a valid country prefix',
  emergencyNumber: 'Phone number cannot be an emergency number',
} as const;

/** Notify's newer wording of the same failures (ERROR_MESSAGES in errors.py), as its own web forms show them. */
export const PHONE_FORM_MESSAGES: Readonly<Record<PhoneErrorCode, string>> = {
  invalid_number: PHONE_MESSAGES.invalidNumber,
  too_long: 'Mobile number is too long',
  too_short: 'Mobile number is too short',
  not_a_uk_mobile: 'This does not look like a UK mobile number – double check the mobile number you entered',
  unknown_character: 'Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -',
  unsupported_country_code: 'Country code not found - double check the mobile number you entered',
  unsupported_emergency_number: PHONE_MESSAGES.emergencyNumber,
};

const API_MESSAGES: Readonly<Record<PhoneErrorCode, string>> = {
  invalid_number: PHONE_MESSAGES.invalidNumber,
  too_long: PHONE_MESSAGES.tooLong,
  too_short: PHONE_MESSAGES.tooShort,
  not_a_uk_mobile: PHONE_MESSAGES.notUkMobile,
  unknown_character: PHONE_MESSAGES.badCharacters,
  unsupported_country_code: PHONE_MESSAGES.badPrefix,
  unsupported_emergency_number: PHONE_MESSAGES.emergencyNumber,
};

/** A refused phone number: `code` says why, `message` is the v2 API's wording. */
export class InvalidPhoneError extends InvalidRecipientError {
  readonly code: PhoneErrorCode;
  constructor(code: PhoneErrorCode = 'invalid_number') {
    super(API_MESSAGES[code]);
    this.code = code;
  }

  /** The wording Notify's web forms use for the same failure. */
  get formMessage(): string {
    return PHONE_FORM_MESSAGES[this.code];
  }
}
