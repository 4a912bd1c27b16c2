import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import ko from './ko.json';

/** Languages the UI ships in; the first is the fallback. */
export const SupportedLanguages = ['en', 'ko'] as const;
export type Language = (typeof SupportedLanguages)[number];

/** localStorage key holding the language the viewer picked. */
export const LanguageStorageKey = 'onda.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** Picks the stored choice first, then the browser's preferences (a Korean browser gets Korean). */
export function detectLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function isLanguage(value: string | null | undefined): value is Language {
  return (SupportedLanguages as readonly string[]).includes(value ?? '');
}

/** Creates an initialised i18next instance (one per app; tests create their own). */
export function createI18n(language: Language): I18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...SupportedLanguages],
    resources: { en: { translation: en }, ko: { translation: ko } },
    interpolation: { escapeValue: false }, // React escapes already
    initAsync: false,
    returnNull: false,
  });
  return instance;
}

/** Reads the browser's storage and preferences, tolerating storage that throws (private mode). */
export function browserLanguage(): Language {
  let stored: string | null;
  try {
    stored = window.localStorage.getItem(LanguageStorageKey);
  } catch {
    stored = null;
  }
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLanguage(stored, preferred);
}

/** Remembers the choice and keeps `<html lang>` in step so the browser picks Korean line-breaking and fonts. */
export function persistLanguage(instance: I18n): void {
  document.documentElement.lang = instance.language;
  instance.on('languageChanged', (language: string) => {
    document.documentElement.lang = language;
    try {
      window.localStorage.setItem(LanguageStorageKey, language);
    } catch {
      // Storage may be unavailable; the choice then lasts for this page only.
    }
  });
}
