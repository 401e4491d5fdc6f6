/** Test helpers for AWS connectors' specs. */

/** An error shaped as the AWS SDK throws it: `name` is the AWS error code, with the fault side and HTTP status. */
export function sdkError(name: string, message: string, status?: number, fault: 'client' | 'server' = 'client'): Error {
  return Object.assign(new Error(message), { name, $fault: fault, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) })
}
