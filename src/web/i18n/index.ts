// i18next set-up: zh-CN by default, English on request. Precedence: ?lang= in the URL, then the
// choice saved by the header switch (localStorage), then zh-CN. Keeps <html lang> in step.
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';

/** A text the server sends in both languages (catalogue labels, field labels, resource names). */
export interface Bilingual {
  zh: string;
  en: string;
}

/** The text in the page's language, else in the other one (a label may be given in one only). */
export function pick(text: Bilingual | undefined, lang: Lang): string {
  if (!text) return '';
  return lang === 'en' ? text.en || text.zh : text.zh || text.en;
}
export const LANG_STORAGE_KEY = 'tongban.lang';
export const LANG_QUERY_PARAM = 'lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}

/** Maps loose spellings ("zh", "zh-cn", "en-US") onto a supported language, else null. */
export function normaliseLang(value: string | null | undefined): Lang | null {
  if (!value) return null;
  const v = value.trim().toLowerCase();
  if (v === 'zh' || v === 'zh-cn' || v === 'zh-hans' || v === 'zh-hans-cn') return 'zh-CN';
  if (v === 'en' || v.startsWith('en-')) return 'en';
  return null;
}

function storedLang(): Lang | null {
  try {
    return normaliseLang(localStorage.getItem(LANG_STORAGE_KEY));
  } catch {
    return null;
  }
}

export function initialLang(search: string): Lang {
  return normaliseLang(new URLSearchParams(search).get(LANG_QUERY_PARAM)) ?? storedLang() ?? DEFAULT_LANG;
}

export function currentLang(): Lang {
  return normaliseLang(i18next.language) ?? DEFAULT_LANG;
}

/** Switches the UI language and remembers the choice for the next visit. */
export function chooseLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Storage may be disabled (private mode); the choice then lasts for this page only.
  }
  void i18next.changeLanguage(lang);
}

i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = normaliseLang(lng) ?? DEFAULT_LANG;
});

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLang(window.location.search),
  fallbackLng: DEFAULT_LANG,
  supportedLngs: [...LANGUAGES],
  load: 'currentOnly',
  initAsync: false,
  interpolation: { escapeValue: false },
  missingKeyHandler: (_lngs, _ns, key) => console.warn(`[i18n] missing key: ${key}`),
  saveMissing: import.meta.env.DEV,
});

export default i18next;

/** The current UI language as a supported Lang; re-renders on change like useTranslation. */
export function useLang(): Lang {
  const { i18n } = useTranslation();
  return normaliseLang(i18n.language) ?? DEFAULT_LANG;
}
