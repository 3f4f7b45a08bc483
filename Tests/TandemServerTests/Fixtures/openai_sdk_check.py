"""Calls `tandem serve` with the real OpenAI Python SDK and prints what came back as one JSON
object (the Swift test checks it). Usage: openai_sdk_check.py BASE_URL MODEL"""
import json
import math
import sys

import openai
from openai import OpenAI

base_url, model = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base_url + "/v1", api_key="unused", max_retries=0, timeout=600)
out = {"sdk_version": openai.__version__}

messages = [{"role": "system", "content": "Answer in one short sentence."},
            {"role": "user", "content": "What colour is the sky on a clear day?"}]
reply = client.chat.completions.create(model=model, messages=messages, max_tokens=24, temperature=0)
out["chat"] = {"text": reply.choices[0].message.content, "finish_reason": reply.choices[0].finish_reason,
               "prompt_tokens": reply.usage.prompt_tokens, "completion_tokens": reply.usage.completion_tokens,
               "cached_tokens": reply.usage.prompt_tokens_details.cached_tokens, "object": reply.object}

pieces, finish, usage, cached = [], None, None, None
stream = client.chat.completions.create(model=model, messages=messages, max_tokens=24, temperature=0, stream=True,
                                        stream_options={"include_usage": True})
for chunk in stream:
    if chunk.usage is not None:
        usage = chunk.usage.completion_tokens
        cached = chunk.usage.prompt_tokens_details.cached_tokens
    for choice in chunk.choices:
        if choice.delta.content:
            pieces.append(choice.delta.content)
        if choice.finish_reason:
            finish = choice.finish_reason
out["stream"] = {"text": "".join(pieces), "chunks": len(pieces), "finish_reason": finish, "completion_tokens": usage,
                 "cached_tokens": cached}

schema = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 24},
                                           "population": {"type": "integer", "minimum": 0}},
          "required": ["city", "population"], "additionalProperties": False}
structured = client.chat.completions.create(
    model=model, temperature=0, max_tokens=60,
    messages=[{"role": "user", "content": "Name a large city and its population as JSON."}],
    response_format={"type": "json_schema", "json_schema": {"name": "city", "schema": schema, "strict": True}})
out["json_schema"] = json.loads(structured.choices[0].message.content)

texts = ["The invoice is overdue.", "Play some jazz music.", "Tomorrow will be sunny."]
embedded = client.embeddings.create(model=model, input=texts)  # the SDK asks for base64 by default
as_floats = client.embeddings.create(model=model, input=texts[0], encoding_format="float")
out["embeddings"] = {"count": len(embedded.data), "dimension": len(embedded.data[0].embedding),
                     "norms": [math.sqrt(sum(x * x for x in d.embedding)) for d in embedded.data],
                     "indices": [d.index for d in embedded.data],
                     "float_matches_base64": max(abs(a - b) for a, b in zip(as_floats.data[0].embedding, embedded.data[0].embedding))}

out["models"] = [m.id for m in client.models.list().data]
try:
    client.chat.completions.create(model="no-such-model", messages=messages, max_tokens=4)
    out["unknown_model"] = "accepted"
except openai.NotFoundError as e:
    out["unknown_model"] = {"status": e.status_code, "code": e.code}
try:
    client.chat.completions.create(model=model, messages=messages, max_tokens=4, temperature=7)
    out["bad_temperature"] = "accepted"
except openai.BadRequestError as e:
    out["bad_temperature"] = {"status": e.status_code, "param": e.param}
print(json.dumps(out))
