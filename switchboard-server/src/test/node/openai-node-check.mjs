// Drives a running gateway with the official OpenAI Node SDK, unmodified, and prints what it got as one JSON
// object for OpenAiNodeSdkIT to check. Base URL and key come from OPENAI_BASE_URL / OPENAI_API_KEY, as the SDK reads them.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0, timeout: 20_000 });
const model = process.env.CHAT_MODEL ?? 'gpt-4o-mini';
const messages = (prompt) => [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: prompt }];
const weather = (name) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
});
const out = {};

const { data: chat, response } = await client.chat.completions
  .create({ model, messages: messages('hello from node'), user: 'node-user', metadata: { app: 'node' } })
  .withResponse();
out.chat = { content: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage,
  requestId: response.headers.get('x-request-id') };

const stream = await client.chat.completions.create({ model, messages: messages('stream from node'), stream: true,
  stream_options: { include_usage: true } });
let text = '';
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  for (const choice of chunk.choices) text += choice.delta?.content ?? '';
  if (chunk.usage) usage = chunk.usage;
}
out.stream = { text, usage, chunks };

const tools = await client.chat.completions.create({ model, messages: messages('weather in Paris and Rome'),
  tools: [weather('get_weather'), weather('get_forecast')] });
out.tools = { finish: tools.choices[0].finish_reason,
  calls: tools.choices[0].message.tool_calls.map((c) => ({ name: c.function.name, args: JSON.parse(c.function.arguments) })) };

// The SDK's stream helper accumulates streamed tool-call deltas into a whole message.
const runner = client.chat.completions.stream({ model, messages: messages('weather in Oslo'), tools: [weather('get_weather')] });
const streamed = await runner.finalChatCompletion();
out.streamedTools = { calls: streamed.choices[0].message.tool_calls.map((c) => ({ name: c.function.name,
  args: JSON.parse(c.function.arguments) })) };

const schema = await client.chat.completions.create({ model, messages: messages('give me a person'),
  response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema: { type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] } } } });
out.schema = JSON.parse(schema.choices[0].message.content);

// Without encoding_format the SDK asks for base64 and decodes it itself.
const b64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
out.embeddings = { base64: b64.data[0].embedding, float: floats.data[0].embedding };

// The Responses API: a turn, a streamed turn through the SDK's helper, a follow-up by previous_response_id, a fetch.
const first = await client.responses.create({ model, instructions: 'Be brief.', input: 'respond from node' });
const responseStream = client.responses.stream({ model, input: 'stream a response from node' });
const events = [];
for await (const event of responseStream) events.push(event.type);
const final = await responseStream.finalResponse();
// Only create() adds the output_text convenience; the stream's final response has the output items.
const textOf = (r) => r.output.filter((i) => i.type === 'message').flatMap((i) => i.content)
  .filter((c) => c.type === 'output_text').map((c) => c.text).join('');
const follow = await client.responses.create({ model, input: 'and again from node', previous_response_id: first.id });
out.responses = { id: first.id, text: first.output_text, status: first.status, usage: first.usage, events,
  streamText: textOf(final), followText: follow.output_text,
  retrieved: (await client.responses.retrieve(first.id)).output_text, inputItems: [] };
for await (const item of client.responses.inputItems.list(follow.id)) out.responses.inputItems.push(item.content[0].text);

// The legacy completions endpoint, whole and streamed.
const legacy = await client.completions.create({ model, prompt: 'complete from node' });
let legacyStreamed = '';
for await (const chunk of await client.completions.create({ model, prompt: 'stream from node', stream: true })) {
  if (chunk.choices.length) legacyStreamed += chunk.choices[0].text;
}
out.completions = { text: legacy.choices[0].text, object: legacy.object, finish: legacy.choices[0].finish_reason,
  streamText: legacyStreamed };

const ids = [];
for await (const m of client.models.list()) ids.push(m.id);
out.models = { ids, retrieved: (await client.models.retrieve(model)).owned_by };

try {
  await client.chat.completions.create({ model: 'no-such-model', messages: messages('hi') });
  out.notFound = null;
} catch (e) {
  out.notFound = { notFoundError: e instanceof OpenAI.NotFoundError, status: e.status, type: e.type, message: e.message };
}

process.stdout.write(JSON.stringify(out) + '\n');
