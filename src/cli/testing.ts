/**
 * Runs the CLI in-process for tests, collecting what it prints.
 */
import { main } from './main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const line = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  const code = await main(
    ['node', 'recert', ...args],
    {
      out: (t) => {
        stdout += line(t);
      },
      err: (t) => {
        stderr += line(t);
      },
    },
    env,
  );
  return { code, stdout, stderr };
}
