// Entries the catalogue tests share.

/** 住建部, a real unified social credit code (research notes §2.2) */
export const MOHURD = '11100000000013338W';

export function goodResource(over: Record<string, unknown> = {}) {
  return {
    id: 'housing.fund',
    name: { zh: '住房公积金缴存信息', en: 'Housing fund contributions' },
    summary: '缴存单位、缴存基数与余额',
    department: { name: '上海市公积金管理中心', code: MOHURD },
    subjectType: 'citizen',
    fields: [
      { name: 'accountNo', element: 'SH.HOUSING.FUND_NO', label: { zh: '公积金账号', en: 'Account number' }, sensitivity: 'general' },
      { name: 'name', element: 'TB.PERSON.NAME', label: { zh: '姓名', en: 'Name' }, sensitivity: 'general' },
    ],
    sharing: { type: 'conditional', condition: '经申请人授权', methods: ['online-query'] },
    classification: { tier: 'departmental', category: '住房', grade: 'general' },
    updateCycle: 'monthly',
    source: { adapter: 'fund.accounts', system: '公积金业务系统' },
    ...over,
  };
}

