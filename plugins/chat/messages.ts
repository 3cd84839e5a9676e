/**
 * Reading conversations from a row: OpenAI-style `messages` (role/content) or ShareGPT `conversations`
 * (from/value), with the dataset's role mapping applied.
 */
import { type ChatMessage, type RowProblem, typeOfValue } from '../../src/plugin-api.js';

/** ShareGPT and common aliases; the dataset's `roles` are merged over these. */
export const DEFAULT_ROLES: Readonly<Record<string, string>> = {
  human: 'user',
  gpt: 'assistant',
  system: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
};

export interface Conversation {
  field: string;
  messages: ChatMessage[];
}

/** Find and normalise the conversation of a row, or say what is wrong with it. */
export function readConversation(row: Record<string, unknown>, messagesField: string | undefined, roles: Record<string, string> | undefined): Conversation | RowProblem {
  let field = messagesField ?? 'messages';
  // ShareGPT rows are auto-detected while messages_field keeps its default.
  if (field === 'messages' && row['messages'] === undefined && row['conversations'] !== undefined) field = 'conversations';
  const list = row[field];
  if (!Array.isArray(list) || list.length === 0) {
    return { field, message: list === undefined ? 'is missing' : 'is not a non-empty list', expected: 'a list of {role, content} (or ShareGPT {from, value})', found: list === undefined ? 'nothing' : typeOfValue(list) };
  }
  const map = { ...DEFAULT_ROLES, ...roles };
  const messages: ChatMessage[] = [];
  let shareGpt = false;
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as Record<string, unknown> | null;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return { field: `${field}[${i}]`, message: 'is not an object', expected: '{role, content}', found: typeOfValue(m) };
    const isShare = m['from'] !== undefined;
    shareGpt ||= isShare;
    const roleKey = isShare ? 'from' : 'role';
    const contentKey = isShare ? 'value' : 'content';
    const role = m[roleKey];
    const content = m[contentKey];
    if (typeof role !== 'string') return { field: `${field}[${i}].${roleKey}`, message: role === undefined ? 'is missing' : 'is not a string', expected: 'a role name', found: typeOfValue(role) };
    if (typeof content !== 'string') return { field: `${field}[${i}].${contentKey}`, message: content === undefined ? 'is missing' : 'is not a string', expected: 'a string', found: typeOfValue(content) };
    const mapped = map[role];
    if (mapped === undefined) {
      return { field: `${field}[${i}].${roleKey}`, message: `has unknown role \`${role}\``, expected: Object.keys(map).join(', '), found: role };
    }
    const { [roleKey]: _r, [contentKey]: _c, ...rest } = m;
    messages.push({ ...rest, role: mapped, content });
  }
  // FastChat: a ShareGPT conversation that does not start with the human (after a system turn) loses its first turn.
  if (shareGpt) {
    const first = messages[0]?.role === 'system' ? 1 : 0;
    if (messages[first] !== undefined && messages[first]!.role !== 'user') messages.splice(first, 1);
  }
  if (!messages.some((m) => m.role === 'assistant')) {
    return { field, message: 'has no assistant turn', expected: 'at least one assistant (gpt) message', found: 'none' };
  }
  return { field, messages };
}
