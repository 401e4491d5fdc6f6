/** The `connectors` entry point: the real process behind the CLI's {@link Io}. */
import { createProgram } from './cli.js'
import { EXIT } from './commands/io.js'

const program = createProgram({
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTty: process.stdout.isTTY === true,
  stderr: process.stderr,
  onInterrupt: (handler) => {
    // The first signal asks the run to stop cleanly (report.json, no temporaries); a second one ends it at once.
    let seen = false
    const on = (signal: NodeJS.Signals) => {
      if (seen) process.exit(EXIT.interrupted)
      seen = true
      handler(signal)
    }
    process.on('SIGINT', on).on('SIGTERM', on)
    return () => void process.off('SIGINT', on).off('SIGTERM', on)
  },
})
const code = await program.run(process.argv.slice(2))
// Interrupted: report.json is written and the locks released; calls the stopped accounts still had in flight (a
// retry's backoff, a request's timeout) must not hold the process open any longer.
if (code === EXIT.interrupted) process.exit(code)
process.exitCode = code
