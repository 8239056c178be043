import { NonFiniteOutputError, OutOfDomainError } from '../model/iris-classifier';

/** How the answer names a prediction the model refused, and how the log line describes it. */
export interface ModelFailure {
  readonly code: 'out_of_domain' | 'non_finite_output';
  readonly description: string;
}

/** The failure of a model error (answered 422), or `undefined` for any other error. */
export function modelFailure(error: unknown): ModelFailure | undefined {
  if (error instanceof OutOfDomainError)
    return { code: 'out_of_domain', description: 'input outside the model domain' };
  if (error instanceof NonFiniteOutputError)
    return { code: 'non_finite_output', description: 'the model output is not finite' };
  return undefined;
}
