// Answers kept for inputs seen again: the row checks of a file and the v2 API's requests read the same
// few inputs (a template's fields, its placeholder names, a recipient read by three rules in a row)
// far more often than new ones. The inputs come from requests, so what is kept is bounded.

/**
 * `compute` with its answers for recent inputs kept: at most `limit` of them, the oldest forgotten first;
 * an input longer than `maxInputLength` is worked out each time and not kept (it would pin its memory).
 * A call that throws keeps nothing.
 */
export function rememberRecent<R>(
  compute: (input: string) => R,
  limit: number,
  maxInputLength: number,
): (input: string) => R {
  const recent = new Map<string, R>();
  return (input) => {
    if (recent.has(input)) return recent.get(input) as R;
    const answer = compute(input);
    if (input.length <= maxInputLength) {
      if (recent.size >= limit) recent.delete(recent.keys().next().value as string);
      recent.set(input, answer);
    }
    return answer;
  };
}

/** `compute` with its last answer kept for a call with the same input (a call that throws keeps nothing). */
export function rememberLast<I, R>(compute: (input: I) => R): (input: I) => R {
  let known = false;
  let lastInput: I;
  let lastAnswer: R;
  return (input) => {
    if (!known || input !== lastInput) {
      known = false;
      lastAnswer = compute(input);
      lastInput = input;
      known = true;
    }
    return lastAnswer;
  };
}
