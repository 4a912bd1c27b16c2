import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setDefaultChatServices } from '../chat/chat-context';
import { inertChatServices } from '../chat/testing';

// Testing Library only auto-cleans with vitest globals, which this project leaves off.
afterEach(() => cleanup());

// Pages with a chat panel get a socket that never connects unless a test provides its own.
setDefaultChatServices(inertChatServices());
