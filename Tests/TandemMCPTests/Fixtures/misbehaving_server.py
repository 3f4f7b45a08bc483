"""A tiny MCP stdio server (stdlib only) that misbehaves on purpose, for the client's fault tests.

usage: misbehaving_server.py MODE [ARG]

It answers initialize and tools/list correctly (unless MODE says otherwise) and offers two tools:
`echo` (annotated idempotent) and `stamp` (no annotations: may have side effects). MODE decides
what a tools/call gets:
  ok                 a correct answer: structuredContent {"echo": arguments} and a text block
  crash              writes half a message, then exits with status 3
  crash-once FILE    crashes like `crash` when FILE does not exist (creating it), else answers ok
  garbage            answers with a line that is not JSON
  wrong-id           answers with an id that was never sent
  silent             never answers; reports each notifications/cancelled it gets on stderr
  huge N             answers with a text block of N bytes
  version V          answers initialize with protocolVersion V
  chatty             writes lines to stderr before and during each call, then answers ok
  ping               sends the client a ping request first and answers the call only after the pong
With FIXTURE_START_LOG=FILE in the environment it appends a line to FILE each time it starts.
"""
import json
import os
import sys

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
arg = sys.argv[2] if len(sys.argv) > 2 else None

TOOLS = [
    {"name": "echo", "description": "Returns its arguments.", "annotations": {"idempotentHint": True},
     "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}},
    {"name": "stamp", "description": "Pretends to change something.",
     "inputSchema": {"type": "object", "properties": {}}},
]


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def answer_call(request):
    arguments = request.get("params", {}).get("arguments", {})
    send({"jsonrpc": "2.0", "id": request["id"], "result": {
        "content": [{"type": "text", "text": json.dumps({"echo": arguments})}],
        "structuredContent": {"echo": arguments}, "isError": False}})


def crash():
    sys.stdout.write('{"jsonrpc": "2.0", "id": ')
    sys.stdout.flush()
    log("fixture: crashing on purpose")
    os._exit(3)


def on_call(request):
    if mode == "crash":
        crash()
    elif mode == "crash-once":
        if not os.path.exists(arg):
            open(arg, "w").close()
            crash()
        answer_call(request)
    elif mode == "garbage":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
    elif mode == "wrong-id":
        send({"jsonrpc": "2.0", "id": request["id"] + 1000, "result": {"content": []}})
    elif mode == "silent":
        pass
    elif mode == "huge":
        send({"jsonrpc": "2.0", "id": request["id"], "result": {
            "content": [{"type": "text", "text": "x" * int(arg)}]}})
    elif mode == "chatty":
        log("fixture: working on call %s" % request["id"])
        answer_call(request)
    elif mode == "ping":
        send({"jsonrpc": "2.0", "id": "fixture-ping", "method": "ping"})
        pending_calls.append(request)
    else:
        answer_call(request)


pending_calls = []
if os.environ.get("FIXTURE_START_LOG"):
    with open(os.environ["FIXTURE_START_LOG"], "a") as start_log:
        start_log.write("started %d\n" % os.getpid())
if mode == "chatty":
    log("fixture: starting up")
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    message = json.loads(line)
    method = message.get("method")
    if method == "initialize":
        version = arg if mode == "version" else message["params"]["protocolVersion"]
        send({"jsonrpc": "2.0", "id": message["id"], "result": {
            "protocolVersion": version, "capabilities": {"tools": {}},
            "serverInfo": {"name": "misbehaving", "version": "1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": message["id"], "result": {"tools": TOOLS}})
    elif method == "tools/call":
        on_call(message)
    elif method == "notifications/cancelled":
        log("fixture: cancelled %s (%s)" % (message["params"]["requestId"], message["params"].get("reason")))
    elif method is None and message.get("id") == "fixture-ping" and "result" in message:
        log("fixture: got pong")
        for request in pending_calls:
            answer_call(request)
        pending_calls.clear()
log("fixture: stdin closed, exiting")
