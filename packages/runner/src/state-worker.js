// The state store's worker thread: registers tsx (so the TypeScript sources run without a build step, as in the
// CLI's own entry point), then serves the store.
import { register } from 'tsx/esm/api'

register()
await import('./state-worker-main.ts')
