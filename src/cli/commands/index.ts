/**
 * Every CLI command, registered in this order. Add a command by writing
 * commands/<name>.ts that exports a register function, and listing it here.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerBackup } from './backup.ts';
import { registerDb } from './db.ts';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerImport } from './import.ts';
import { registerLog } from './log.ts';
import { registerPlan } from './plan.ts';
import { registerRestore } from './restore.ts';
import { registerRules } from './rules.ts';
import { registerServe } from './serve.ts';
import { registerStatus } from './status.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [
  registerStatus,
  registerLog,
  registerPlan,
  registerRules,
  registerServe,
  registerImport,
  registerExport,
  registerBackup,
  registerRestore,
  registerDemo,
  registerDb,
];
