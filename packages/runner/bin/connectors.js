#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so the workspace needs no build step.
import { register } from 'tsx/esm/api'

// stderr carries structured JSON logs: keep the AWS SDK's plain-text notice about future Node versions out of it.
const emitWarning = process.emitWarning.bind(process)
process.emitWarning = (warning, ...rest) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return
  emitWarning(warning, ...rest)
}

register()
await import('../src/bin.ts')
