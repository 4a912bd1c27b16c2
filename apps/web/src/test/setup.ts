import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setDefaultChatServices } from '../chat/chat-context';
import { inertChatServices } from '../chat/testing';

// findBy*/waitFor give up after 1 s by default: a page that loads lazily on a busy 2-core CI box can take longer.
configure({ asyncUtilTimeout: 5000 });

// Testing Library only auto-cleans with vitest globals, which this project leaves off.
afterEach(() => cleanup());

// Pages with a chat panel get a socket that never connects unless a test provides its own.
setDefaultChatServices(inertChatServices());
