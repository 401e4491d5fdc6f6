/** The `connectors` entry point. */
import { createProgram } from './cli.js'

const program = createProgram({
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
  isTty: process.stderr.isTTY === true,
})
process.exitCode = await program.run(process.argv.slice(2))
