#!/usr/bin/env python3
"""Stand-ins for the sinks' destinations, speaking their wire protocol (see WIRE.md 3.2 and 4).

Firehose: awsJson1_1 POST with X-Amz-Target Firehose_20150804.PutRecordBatch / PutRecord and a SigV4
Authorization header (not verified, as no stand-in can); each record's Data is base64 of newline-separated
events. Segment: POST /v1/batch with Basic auth of the destination writeKey, optionally gzip-encoded.
Webhook: POST /webhook/<name> of application/json, an array of events (batch mode) or one (single mode).
Amplitude: HTTP V2 POST /2/httpapi of {"api_key", "events": [...]}, each event with event_type and a
user_id or device_id; answers {"code": 200, "events_ingested", ...}. Mailchimp: Marketing API
PUT /3.0/lists/<list>/members/<MD5 of the lowercased email> with Basic auth (the key as password) and
{"email_address", "status_if_new", ...}; answers the member. Anything else gets the error the real service
would give, so a sink speaking the protocol wrong fails.

GET /received answers what arrived: {"firehose": {stream: [messageId, ...]}, "segment": {writeKey: [...]},
"webhook": {name: [messageId, ...]}, "amplitude": {api_key: [insert_id, ...]},
"mailchimp": {list: [email_address, ...]}} (duplicates kept: sinks deliver at least once). Binds 0.0.0.0 on
an ephemeral port (containers reach it through the host's address) and writes the port to the file named by
its one argument.
"""
import base64
import gzip
import hashlib
import json
import re
import time
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
received = {"firehose": {}, "segment": {}, "webhook": {}, "amplitude": {}, "mailchimp": {}}
MAILCHIMP_MEMBER = re.compile(r"^/3\.0/lists/([^/]+)/members/([0-9a-f]{32})$")
MAILCHIMP_STATUSES = ("subscribed", "pending", "unsubscribed", "cleaned", "transactional")


def message_ids(lines):
    ids = []
    for line in lines:
        line = line.strip()
        if line:
            ids.append(json.loads(line).get("messageId"))
    return ids


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the check prints what matters
        pass

    def answer(self, status, body, content_type="application/json", headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            raw = gzip.decompress(raw)
        return raw

    def do_GET(self):
        if self.path == "/received":
            with lock:
                self.answer(200, received)
        else:
            self.answer(404, {"message": "not found"})

    def do_POST(self):
        target = self.headers.get("X-Amz-Target")
        if target is not None:
            self.firehose(target)
        elif self.path.rstrip("/") == "/v1/batch":
            self.segment()
        elif self.path.startswith("/webhook/") and len(self.path) > len("/webhook/"):
            self.webhook(self.path[len("/webhook/"):])
        elif self.path.rstrip("/") == "/2/httpapi":
            self.amplitude()
        else:
            self.answer(404, {"message": "not found"})

    def do_PUT(self):
        member = MAILCHIMP_MEMBER.match(self.path)
        if member:
            self.mailchimp(member.group(1), member.group(2))
        else:
            self.answer(404, {"type": "https://mailchimp.com/developer/marketing/docs/errors/",
                              "title": "Resource Not Found", "status": 404,
                              "detail": "The requested resource could not be found.", "instance": str(uuid.uuid4())})

    def firehose(self, target):
        def fault(status, kind, message):
            self.answer(status, {"__type": kind, "message": message}, "application/x-amz-json-1.1",
                        [("x-amzn-ErrorType", kind)])

        body = self.body()
        if not self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 Credential="):
            return fault(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
        if self.headers.get("Content-Type") != "application/x-amz-json-1.1":
            return fault(400, "SerializationException", "expected application/x-amz-json-1.1")
        request = json.loads(body)
        stream = request.get("DeliveryStreamName")
        if target == "Firehose_20150804.PutRecordBatch":
            records = request.get("Records", [])
        elif target == "Firehose_20150804.PutRecord":
            records = [request.get("Record")]
        else:
            return fault(400, "UnknownOperationException", target)
        if not stream or not records or len(records) > 500:
            return fault(400, "InvalidArgumentException", "1 to 500 records and a DeliveryStreamName")
        ids = []
        for r in records:
            ids += message_ids(base64.b64decode(r["Data"], validate=True).decode().split("\n"))
        with lock:
            received["firehose"].setdefault(stream, []).extend(ids)
        if target == "Firehose_20150804.PutRecord":
            out = {"RecordId": uuid.uuid4().hex, "Encrypted": False}
        else:
            out = {"FailedPutCount": 0, "Encrypted": False,
                   "RequestResponses": [{"RecordId": uuid.uuid4().hex} for _ in records]}
        self.answer(200, out, "application/x-amz-json-1.1", [("x-amzn-RequestId", str(uuid.uuid4()))])

    def segment(self):
        auth = self.headers.get("Authorization", "")
        try:
            write_key = base64.b64decode(auth[len("Basic "):]).decode().rstrip(":") if auth.startswith("Basic ") else ""
            batch = json.loads(self.body())["batch"]
        except (ValueError, KeyError, OSError):
            return self.answer(400, {"success": False, "message": "Invalid JSON"})
        if not write_key:
            return self.answer(401, {"success": False, "message": "no writeKey"})
        with lock:
            received["segment"].setdefault(write_key, []).extend(e.get("messageId") for e in batch)
        self.answer(200, {"success": True})


    def webhook(self, name):
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return self.answer(415, {"message": "expected application/json"})
        try:
            body = json.loads(self.body())
        except ValueError:
            return self.answer(400, {"message": "not JSON"})
        events = body if isinstance(body, list) else [body]
        if not events or not all(isinstance(e, dict) and e.get("messageId") for e in events):
            return self.answer(400, {"message": "expected events with a messageId"})
        with lock:
            received["webhook"].setdefault(name, []).extend(e["messageId"] for e in events)
        self.answer(200, {"received": len(events)})

    def amplitude(self):
        def invalid(error, **details):
            self.answer(400, dict({"code": 400, "error": error}, **details))

        try:
            request = json.loads(self.body())
        except ValueError:
            return invalid("Invalid JSON request body")
        if not isinstance(request, dict) or not request.get("api_key"):
            return invalid("Request missing required field", missing_field="api_key")
        events = request.get("events")
        if not isinstance(events, list) or not events:
            return invalid("Request missing required field", missing_field="events")
        missing = {}
        for i, e in enumerate(events):
            fields = [f for f in ("event_type",) if not e.get(f)]
            if not e.get("user_id") and not e.get("device_id"):
                fields.append("user_id")
            for f in fields:
                missing.setdefault(f, []).append(i)
        if missing:
            return invalid("Request missing required field", events_with_missing_fields=missing)
        with lock:
            received["amplitude"].setdefault(request["api_key"], []).extend(e.get("insert_id") for e in events)
        self.answer(200, {"code": 200, "events_ingested": len(events),
                          "payload_size_bytes": int(self.headers.get("Content-Length", "0")),
                          "server_upload_time": int(time.time() * 1000)})

    def mailchimp(self, list_id, subscriber_hash):
        def problem(status, title, detail, **more):
            self.answer(status, dict({"type": "https://mailchimp.com/developer/marketing/docs/errors/",
                                      "title": title, "status": status, "detail": detail,
                                      "instance": str(uuid.uuid4())}, **more), "application/problem+json")

        auth = self.headers.get("Authorization", "")
        try:
            key = base64.b64decode(auth[len("Basic "):]).decode().partition(":")[2] if auth.startswith("Basic ") else ""
        except ValueError:
            key = ""
        if not key:
            return problem(401, "API Key Missing", "Your request did not include an API key.")
        try:
            member = json.loads(self.body())
        except ValueError:
            return problem(400, "JSON Parse Exception", "We encountered an unspecified JSON parsing error.")
        email = member.get("email_address") if isinstance(member, dict) else None
        if not isinstance(email, str) or "@" not in email:
            return problem(400, "Invalid Resource", "The resource submitted could not be validated.",
                           errors=[{"field": "email_address", "message": "This value should be a valid email."}])
        if hashlib.md5(email.strip().lower().encode()).hexdigest() != subscriber_hash:
            return problem(400, "Invalid Resource", "The subscriber hash does not match the email address.")
        status = member.get("status_if_new", member.get("status"))
        if status not in MAILCHIMP_STATUSES:
            return problem(400, "Invalid Resource", "The resource submitted could not be validated.",
                           errors=[{"field": "status_if_new", "message": "Data presented is not one of the accepted values"}])
        with lock:
            received["mailchimp"].setdefault(list_id, []).append(email)
        self.answer(200, {"id": subscriber_hash, "email_address": email, "unique_email_id": uuid.uuid4().hex[:10],
                          "status": status, "merge_fields": member.get("merge_fields", {}), "list_id": list_id})


def main():
    server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
