// What is wrong with an ID number (idNumber.ts's check), in the page's language: said the same way on
// every form that takes one (the exchange request, the audit log search).
import { useTranslation } from 'react-i18next';
import type { IdNumberFailure } from './idNumber';

export function useIdProblemText(): (check: IdNumberFailure) => string {
  const { t } = useTranslation();
  return (check) => {
    switch (check.problem) {
      case 'empty':
        return t('exchange.id.empty');
      case 'length':
        return t('exchange.id.length', { n: check.value.length });
      case 'characters':
        return t('exchange.id.characters');
      case 'region':
        return t('exchange.id.region');
      case 'birthDate':
        return t('exchange.id.birthDate');
      case 'checkDigit':
        return t('exchange.id.checkDigit', { expected: check.expected ?? '?' });
    }
  };
}
