// `tongban validate id|uscc|org|division|cert VALUE…`: each value's verdict and reason; exit 1 if any is invalid.
import type { Command } from 'commander';
import { IDENTIFIER_KINDS, KIND_NAMES, validateIdentifier, type IdentifierKind } from '../validation/index.js';
import { TongbanError } from '../core/errors.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate <kind> <values...>')
    .description(`check identifiers: ${IDENTIFIER_KINDS.map((k) => `${k} (${KIND_NAMES[k].standard})`).join(', ')}; exit 1 if any is invalid`)
    .option('--json', 'print JSON', false)
    .action((kind: string, values: string[], opts: { json: boolean }) => {
      if (!(IDENTIFIER_KINDS as readonly string[]).includes(kind)) {
        throw new TongbanError('E_INVALID_REQUEST', `kind must be one of ${IDENTIFIER_KINDS.join(', ')} (got ${kind})`);
      }
      const results = values.map((v) => validateIdentifier(kind as IdentifierKind, v));
      if (opts.json) console.log(JSON.stringify(results, null, 2));
      else {
        for (const r of results) {
          const extra = r.details ? `  ${Object.entries(r.details).filter(([k]) => k !== 'normalized').map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
          console.log(r.valid ? `✓ ${r.value}  valid ${KIND_NAMES[kind as IdentifierKind].zh}${extra}` : `✗ ${r.value}  ${r.reason} / ${r.reasonZh}`);
        }
      }
      if (results.some((r) => !r.valid)) process.exitCode = 1;
    });
}
