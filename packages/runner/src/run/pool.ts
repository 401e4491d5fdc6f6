/** Runs a function over items with at most `limit` at a time, keeping the items' order in the results. */
export async function mapPooled<A, B>(items: ReadonlyArray<A>, limit: number, f: (item: A) => Promise<B>): Promise<B[]> {
  const results = new Array<B>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await f(items[i] as A)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
