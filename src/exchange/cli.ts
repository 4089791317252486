// `tongban exchange verify-evidence <file>`: whoever receives an evidence package (存证包) — the department
// handling the case, a court, an auditor — checks it offline, with nothing but the hub key id the hub
// operator publishes (evidence.ts does the checking). Prints the record, where it came from and what was
// checked. Exits 0 when every check passes against the hub key given with --hub-key-id, 1 naming the
// first failure, 2 when every check passes but the hub key was only taken from the package (to be
// compared with the published one).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TongbanError } from '../core/errors.js';
import { shanghaiTime } from '../core/time.js';
import { displayWidth } from '../cli/members.js';
import { EVIDENCE_CHECKS, evidenceDigest, verifyEvidence, type EvidenceCheckName, type EvidencePackage, type EvidenceReport } from './evidence.js';

const KEY_ID = /^(ed25519|sm2-sm3):[0-9a-f]{32}$/;
/** Larger than any package a node hands out (two messages of at most 256 KiB and a member list). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

const CHECK_LABELS: Record<EvidenceCheckName, string> = {
  package: 'package 存证包格式',
  'hub-key': 'hub key 枢纽密钥',
  'member-list': 'member list 成员清单',
  'provider-key': 'provider key 提供方密钥',
  seal: 'seal 电子签章',
  binding: 'binding 请求绑定',
  'requester-key': 'requester key 调阅方密钥',
  'request-signature': 'request signature 请求签名',
  summary: 'summary 摘要',
};

/** Exit code: 0 verified against the given hub key, 1 a check failed, 2 verified but the hub key was not given. */
export function evidenceExitCode(r: EvidenceReport): number {
  return !r.ok ? 1 : r.hubKeyPinned ? 0 : 2;
}

/** What the command prints: the record and its provenance when everything verified, then the checks and the verdict. */
export function describeEvidence(r: EvidenceReport, file: string): string[] {
  const lines = [`Evidence package 存证包  ${file}`, ''];
  const e = r.evidence;
  if (r.ok && e) lines.push(...recordLines(e), '');
  lines.push('Checks 校验');
  const labelWidth = Math.max(...EVIDENCE_CHECKS.map((c) => displayWidth(CHECK_LABELS[c])));
  for (const c of r.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${pad(CHECK_LABELS[c.check], labelWidth)}  ${c.detail}`);
  const unchecked = EVIDENCE_CHECKS.slice(r.checks.length);
  if (unchecked.length) lines.push(`  · not checked 未校验: ${unchecked.join(', ')}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push('');
  if (!r.ok) {
    lines.push(`✗ NOT VERIFIED 验证未通过 — ${r.failure!.check}: ${r.failure!.detail}`);
    lines.push('  Do not rely on this package: it is not what the provider sealed and the requester signed, or not under this hub key.');
    return lines;
  }
  const s = e!.summary;
  const what = `sealed by ${s.provider.name} ${s.provider.regionCode}, bound to the request ${s.requester.name} ${s.requester.regionCode} signed, keys from the member list signed by hub key ${r.hubKeyId}`;
  if (r.hubKeyPinned) {
    lines.push(`✓ VERIFIED 验证通过 — ${what}`);
  } else {
    lines.push(`⚠ NOT PROVEN YET 尚未确认 — every check passed: ${what}`);
    lines.push(`  but that hub key was taken from the package: compare ${r.hubKeyId} with the hub key id the hub operator publishes,`);
    lines.push('  or run again with --hub-key-id <id>. 未指定枢纽密钥:请与国家枢纽公布的密钥标识核对。');
  }
  // the exporting node's audit log records this digest with the export (exchange.evidence.exported)
  lines.push(`  package digest 存证包摘要: ${evidenceDigest(e!)}`);
  return lines;
}

function recordLines(e: EvidencePackage): string[] {
  const s = e.summary;
  const r = e.response.payload;
  const p = r.provenance!;
  const record = Object.entries(r.record!).map(([k, v]): [string, string] => [k, v === null || v === '' ? '—' : String(v)]);
  const basis = s.authorisation ? `${s.authorisation.type === 'statutory' ? 'legal basis 法定依据' : "applicant's consent 申请人授权"} ${s.authorisation.reference}` : 'none 无';
  const node = '(stated by the exporting node, not signed)';
  return [
    `Record 数据内容 — ${s.resource}, sealed by ${s.provider.name} ${s.provider.regionCode}`,
    ...pairs(record),
    '',
    'Provenance 来源',
    ...pairs([
      ['department 来源部门', p.department],
      ['source system 来源系统', p.sourceSystem],
      ['data time 数据时间', time(p.dataTime)],
      ['retrieved 调取时间', time(p.retrievedAt)],
      ['quality 质量提示', p.quality.length ? p.quality.join('; ') : '—'],
    ]),
    '',
    'Request 调阅请求',
    ...pairs([
      ['exchange 消息标识', s.messageId],
      ['requester 调阅方', `${s.requester.name} ${s.requester.regionCode} · ${s.clerk.name} (${s.clerk.id}), ${s.clerk.department}`],
      ['provider 提供方', `${s.provider.name} ${s.provider.regionCode}`],
      ['subject 数据主体', `${s.subject.masked} (${s.subject.type})`],
      ['fields 字段', s.fields.join(', ')],
      ['service item 办理事项', s.purpose.serviceItem],
      ['case 办件编号', s.purpose.caseId],
      ...(s.purpose.agreementId ? [['agreement 合作协议', s.purpose.agreementId] as [string, string]] : []),
      ['basis 调阅依据', basis],
      ['requested 请求时间', time(s.requestedAt)],
      ['sealed 签章时间', time(s.sealedAt)],
      ['received 接收时间', `${time(s.receivedAt)} ${node}`],
      ['route 交换方式', `${s.route === 'direct' ? 'direct 桥梁式' : 'through the hub relay 辐射式'} ${node}`],
      ['exported 导出时间', `${time(e.exportedAt)} ${node}`],
    ]),
  ];
}

function pairs(rows: Array<[string, string]>): string[] {
  const w = Math.max(...rows.map(([k]) => displayWidth(k)));
  return rows.map(([k, v]) => `  ${pad(k, w)}  ${v}`);
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

function time(iso: string): string {
  return `${shanghaiTime(iso)} (UTC+8)`;
}

/** Reads a package file as JSON; a file that cannot be read or is no JSON is E_INVALID_REQUEST. */
export function readEvidenceFile(file: string): unknown {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_FILE_BYTES) throw new TongbanError('E_INVALID_REQUEST', `${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: not an evidence package`);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof TongbanError) throw e;
    throw new TongbanError('E_INVALID_REQUEST', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TongbanError('E_INVALID_REQUEST', `${file} is not JSON: ${(e as Error).message}`);
  }
}

export function registerExchangeCommands(program: Command): void {
  const exchange = program.command('exchange').description('exchanges (请求调阅): check an evidence package (存证包) offline');
  exchange
    .command('verify-evidence <file>')
    .description(
      "check an evidence package downloaded from a node's exchange result page, offline: the hub's signature on the member list, the provider's key and seal, the binding to the request, the requester's signature. Exit 0 verified, 1 a check failed, 2 verified but --hub-key-id was not given",
    )
    .option('--hub-key-id <id>', 'the hub key id the hub operator publishes (without it the one the package names is used, and printed to be compared)')
    .option('--json', 'print the report as JSON', false)
    .action((file: string, opts: { hubKeyId?: string; json: boolean }) => {
      if (opts.hubKeyId !== undefined && !KEY_ID.test(opts.hubKeyId)) throw new TongbanError('E_INVALID_REQUEST', `--hub-key-id must look like sm2-sm3:<32 hex digits> or ed25519:<32 hex digits> (got ${opts.hubKeyId})`);
      const report = verifyEvidence(readEvidenceFile(file), opts.hubKeyId !== undefined ? { hubKeyId: opts.hubKeyId } : {});
      if (opts.json) {
        const { evidence, ...rest } = report;
        const verified = report.ok && evidence ? { summary: evidence.summary, record: evidence.response.payload.record, provenance: evidence.response.payload.provenance } : {};
        console.log(JSON.stringify({ ...rest, ...verified }, null, 2));
      } else {
        for (const l of describeEvidence(report, file)) console.log(l);
      }
      process.exitCode = evidenceExitCode(report);
    });
}
