// The purpose of an exchange (用途): the service item (事项) it serves, the case (办件) number and,
// once agreements exist, the agreement. One set of limits for every place that accepts or keeps a
// purpose — the clerk's API, the signed envelope and both audit logs — so that nothing one of them
// accepts is refused by another after the data has been read.
export const PURPOSE_LIMITS = {
  /** a catalogue item's name can be this long (catalog/routes.ts) */
  serviceItem: 200,
  caseId: 64,
  agreementId: 64,
} as const;
