// The demo federation's staff: on each province node a window clerk, a data administrator, a reviewer
// (审核人, who approves what the administrator submits: the catalogue's four eyes) and an auditor
// (监督员, who reads the audit log), and on the hub an operator (枢纽运维员, who decides on
// membership), with random passwords made on the first start and kept owner-only in
// <server dir>/demo-users.json, so a later start (and the person trying the demo) finds the same
// credentials.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Role } from '../config/index.js';
import { writeSecretFile } from '../keys/index.js';
import type { TongbanDB } from '../store/schema.js';
import type { AdminActionHook } from './events.js';
import { generatePassword } from './password.js';
import { createUser, getUser, resetPassword, type UserRole } from './users.js';

export interface DemoUser {
  id: string;
  name: string;
  department: string;
  roles: UserRole[];
  password: string;
}

interface DemoUsersFile {
  formatVersion: 1;
  regionCode: string;
  note: string;
  users: DemoUser[];
}

type Preset = Omit<DemoUser, 'password'>;

// Synthetic people in real kinds of offices: the window staff of a government service centre, the
// region's data authority (an administrator who drafts catalogue entries, a reviewer who approves
// them), the supervision office of the provincial government's general office (督查), and the team
// that runs the national platform.
const PRESETS: Record<string, Preset[]> = {
  '310000': [
    { id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', roles: ['clerk'] },
    { id: 'sh-admin', name: '陈志强', department: '上海市大数据中心', roles: ['admin'] },
    { id: 'sh-approver', name: '赵敏', department: '上海市大数据中心', roles: ['approver'] },
    { id: 'sh-auditor', name: '钱蕾', department: '上海市人民政府办公厅督查处', roles: ['auditor'] },
  ],
  '320000': [
    { id: 'js-clerk', name: '李娜', department: '江苏省南京市政务服务中心', roles: ['clerk'] },
    { id: 'js-admin', name: '周建国', department: '江苏省大数据管理中心', roles: ['admin'] },
    { id: 'js-approver', name: '孙婷', department: '江苏省大数据管理中心', roles: ['approver'] },
    { id: 'js-auditor', name: '韩磊', department: '江苏省人民政府办公厅督查室', roles: ['auditor'] },
  ],
  '330000': [
    { id: 'zj-clerk', name: '张丽', department: '浙江省杭州市民之家', roles: ['clerk'] },
    { id: 'zj-admin', name: '徐明', department: '浙江省大数据发展管理局', roles: ['admin'] },
    { id: 'zj-approver', name: '何宇航', department: '浙江省大数据发展管理局', roles: ['approver'] },
    { id: 'zj-auditor', name: '沈佳', department: '浙江省人民政府办公厅督查处', roles: ['auditor'] },
  ],
  '340000': [
    { id: 'ah-clerk', name: '刘洋', department: '安徽省合肥市政务服务中心', roles: ['clerk'] },
    { id: 'ah-admin', name: '吴海峰', department: '安徽省数据资源管理局', roles: ['admin'] },
    { id: 'ah-approver', name: '郑晓燕', department: '安徽省数据资源管理局', roles: ['approver'] },
    { id: 'ah-auditor', name: '汪涛', department: '安徽省人民政府办公厅督查室', roles: ['auditor'] },
  ],
  '520000': [
    { id: 'gz-clerk', name: '杨静', department: '贵州省贵阳市政务服务中心', roles: ['clerk'] },
    { id: 'gz-admin', name: '罗文', department: '贵州省大数据发展管理局', roles: ['admin'] },
    { id: 'gz-approver', name: '龙雪梅', department: '贵州省大数据发展管理局', roles: ['approver'] },
    { id: 'gz-auditor', name: '田芳', department: '贵州省人民政府办公厅督查室', roles: ['auditor'] },
  ],
};

const HUB_PRESETS: Preset[] = [
  { id: 'hub-operator', name: '刘建华', department: '国家政务服务平台运维中心', roles: ['operator'] },
  { id: 'hub-auditor', name: '周静', department: '国务院办公厅电子政务办公室', roles: ['auditor'] },
];

/** The server the demo's accounts are made on: a province node, or the hub. */
export interface DemoServer {
  role: Role;
  code: string;
  name: string;
}

export function demoUsersPath(serverDir: string): string {
  return join(serverDir, 'demo-users.json');
}

function presetsFor(server: DemoServer): Preset[] {
  if (server.role === 'hub') return HUB_PRESETS;
  return (
    PRESETS[server.code] ?? [
      { id: `r${server.code}-clerk`, name: '窗口人员', department: `${server.name}政务服务中心`, roles: ['clerk'] },
      { id: `r${server.code}-admin`, name: '数据管理员', department: `${server.name}数据管理部门`, roles: ['admin'] },
      { id: `r${server.code}-approver`, name: '审核人', department: `${server.name}数据管理部门`, roles: ['approver'] },
      { id: `r${server.code}-auditor`, name: '监督员', department: `${server.name}政务服务监督部门`, roles: ['auditor'] },
    ]
  );
}

function readFile(path: string, regionCode: string): DemoUser[] | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as DemoUsersFile;
    if (f.formatVersion === 1 && f.regionCode === regionCode && Array.isArray(f.users)) return f.users;
  } catch {
    // unreadable: made again below
  }
  return undefined;
}

/**
 * Makes sure the server's demo users exist and returns them with their passwords. The file is the
 * source of the passwords; a user missing from the database is created with the file's password.
 * A preset user the file does not list (a new file, or one written by an older version before that
 * user was a preset) gets a new password, written to the file; if such a user already exists in the
 * database, it gets that password too, so the file is always true. The passwords of the users the file
 * already lists are left alone, as is one an operator changed later with `tongban users reset-password`.
 */
export async function ensureDemoUsers(db: Kysely<TongbanDB>, serverDir: string, server: DemoServer, onAdminAction?: AdminActionHook): Promise<DemoUser[]> {
  const path = demoUsersPath(serverDir);
  const known = readFile(path, server.code) ?? [];
  const presets = presetsFor(server);
  const added = new Set<string>();
  const users: DemoUser[] = presets.map((p) => {
    const k = known.find((u) => u.id === p.id);
    if (k) return k;
    added.add(p.id);
    return { ...p, password: generatePassword() };
  });
  // users the file lists that are no longer presets stay listed (their accounts are still there)
  for (const k of known) if (!presets.some((p) => p.id === k.id)) users.push(k);
  if (added.size > 0) {
    const file: DemoUsersFile = {
      formatVersion: 1,
      regionCode: server.code,
      note: `Demo accounts of this ${server.role}, made by \`tongban demo\`. Sign in at /login. Not for production.`,
      users,
    };
    writeSecretFile(path, `${JSON.stringify(file, null, 2)}\n`);
  }
  const ctx = { actor: 'demo', ...(onAdminAction ? { onAdminAction } : {}) };
  for (const u of users) {
    const existing = await getUser(db, u.id);
    if (!existing) {
      await createUser(db, { server: server.role, id: u.id, name: u.name, department: u.department, regionCode: server.code, roles: u.roles, password: u.password }, ctx);
    } else if (added.has(u.id)) {
      await resetPassword(db, u.id, u.password, ctx);
    }
  }
  return users;
}
