// One error type per failure kind; src/app.ts maps each to Notify's JSON body
// {"status_code": N, "errors": [{"error": "...", "message": "..."}]}.

export class ApiError extends Error {
  readonly statusCode: number;
  readonly errorName: string;
  readonly messages: string[];
  constructor(statusCode: number, errorName: string, messages: string | string[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.statusCode = statusCode;
    this.errorName = errorName;
    this.messages = list;
  }
  toBody() {
    return {
      status_code: this.statusCode,
      errors: this.messages.map((message) => ({ error: this.errorName, message })),
    };
  }
}

export class ValidationError extends ApiError {
  constructor(messages: string | string[]) {
    super(400, 'ValidationError', messages);
  }
}
export class BadRequestError extends ApiError {
  constructor(message: string) {
    super(400, 'BadRequestError', message);
  }
}
export class AuthError extends ApiError {
  constructor(statusCode: 401 | 403, message: string) {
    super(statusCode, 'AuthError', message);
  }
}
export class NotFoundError extends ApiError {
  constructor(message = 'No result found') {
    super(404, 'NoResultFound', message);
  }
}
export class RateLimitError extends ApiError {
  constructor(message: string) {
    super(429, 'RateLimitError', message);
  }
}
export class TooManyRequestsError extends ApiError {
  constructor(message: string) {
    super(429, 'TooManyRequestsError', message);
  }
}
export class PDFNotReadyError extends ApiError {
  constructor(message = 'PDF not available yet, try again later') {
    super(400, 'PDFNotReadyError', message);
  }
}
