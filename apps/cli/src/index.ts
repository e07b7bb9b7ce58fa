// @trainkit/cli: the `trainkit` command as a library (for tests and embedding).
export {
  COMMON_FLAGS,
  type CommandSpec,
  coerce,
  type FlagSpec,
  type FlagType,
  helpText,
  type Parsed,
  parseCommand,
} from './args';
export { parseConfigText, readConfigFile } from './config-file';
export { type LoadedData, loadDataset, NAMED_DATASETS } from './datasets';
export { COMMANDS, errorLine, exitCodeOf, main, overview } from './main';
export { Interrupted, UsageError } from './usage-error';
