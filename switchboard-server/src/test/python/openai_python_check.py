"""Drives a running gateway with the official OpenAI Python SDK, unmodified, and prints what it got as one JSON
object for OpenAiPythonSdkIT to check. Base URL and key come from OPENAI_BASE_URL / OPENAI_API_KEY, as the SDK
reads them."""
import json
import os

import openai

client = openai.OpenAI(max_retries=0, timeout=20)
model = os.environ.get("CHAT_MODEL", "gpt-4o-mini")


def messages(prompt):
    return [{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}]


def weather(name):
    return {"type": "function", "function": {"name": name, "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def calls(message):
    return [{"name": c.function.name, "args": json.loads(c.function.arguments)} for c in message.tool_calls]


out = {"sdkVersion": openai.__version__}

raw = client.chat.completions.with_raw_response.create(
    model=model, messages=messages("hello from python"), user="python-user", metadata={"app": "python"})
chat = raw.parse()
out["chat"] = {"content": chat.choices[0].message.content, "finish": chat.choices[0].finish_reason,
               "usage": chat.usage.model_dump(), "requestId": raw.headers.get("x-request-id")}

text, usage, chunks = "", None, 0
for chunk in client.chat.completions.create(model=model, messages=messages("stream from python"), stream=True,
                                            stream_options={"include_usage": True}):
    chunks += 1
    for choice in chunk.choices:
        text += choice.delta.content or ""
    if chunk.usage:
        usage = chunk.usage.model_dump()
out["stream"] = {"text": text, "usage": usage, "chunks": chunks}

tools = client.chat.completions.create(model=model, messages=messages("weather in Paris and Rome"),
                                       tools=[weather("get_weather"), weather("get_forecast")])
out["tools"] = {"finish": tools.choices[0].finish_reason, "calls": calls(tools.choices[0].message)}

# The SDK's stream helper accumulates streamed tool-call deltas into a whole message.
with client.chat.completions.stream(model=model, messages=messages("weather in Oslo"),
                                    tools=[weather("get_weather")]) as stream:
    out["streamedTools"] = {"calls": calls(stream.get_final_completion().choices[0].message)}

schema = client.chat.completions.create(model=model, messages=messages("give me a person"), response_format={
    "type": "json_schema", "json_schema": {"name": "person", "strict": True, "schema": {
        "type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"]}}})
out["schema"] = json.loads(schema.choices[0].message.content)

# Without encoding_format the SDK asks for base64 and decodes it itself.
b64 = client.embeddings.create(model="text-embedding-3-small", input="hello world")
floats = client.embeddings.create(model="text-embedding-3-small", input="hello world", encoding_format="float")
out["embeddings"] = {"base64": list(b64.data[0].embedding), "float": floats.data[0].embedding}

# The Responses API: a turn, a streamed turn through the SDK's helper, a follow-up by previous_response_id, a fetch.
first = client.responses.create(model=model, instructions="Be brief.", input="respond from python")
with client.responses.stream(model=model, input="stream a response from python") as stream:
    events = [event.type for event in stream]
    final = stream.get_final_response()
follow = client.responses.create(model=model, input="and again from python", previous_response_id=first.id)
out["responses"] = {"id": first.id, "text": first.output_text, "status": first.status, "usage": first.usage.model_dump(),
                    "events": events, "streamText": final.output_text, "followText": follow.output_text,
                    "retrieved": client.responses.retrieve(first.id).output_text,
                    "inputItems": [item.content[0].text for item in client.responses.input_items.list(follow.id)]}

# The legacy completions endpoint, whole and streamed.
legacy = client.completions.create(model=model, prompt="complete from python")
streamed = "".join(chunk.choices[0].text for chunk in
                   client.completions.create(model=model, prompt="stream from python", stream=True) if chunk.choices)
out["completions"] = {"text": legacy.choices[0].text, "object": legacy.object, "finish": legacy.choices[0].finish_reason,
                      "streamText": streamed}

out["models"] = {"ids": [m.id for m in client.models.list()], "retrieved": client.models.retrieve(model).owned_by}

try:
    client.chat.completions.create(model="no-such-model", messages=messages("hi"))
    out["notFound"] = None
except openai.APIStatusError as e:
    out["notFound"] = {"notFoundError": isinstance(e, openai.NotFoundError), "status": e.status_code,
                       "message": str(e)}

print(json.dumps(out))
