#!/usr/bin/env python3
"""Stand-ins for the sinks' two destinations, speaking their wire protocol (see WIRE.md 3.2 and 4).

Firehose: awsJson1_1 POST with X-Amz-Target Firehose_20150804.PutRecordBatch / PutRecord and a SigV4
Authorization header (not verified, as no stand-in can); each record's Data is base64 of newline-separated
events. Segment: POST /v1/batch with Basic auth of the destination writeKey, optionally gzip-encoded.
Anything else gets the error the real service would give, so a sink speaking the protocol wrong fails.

GET /received answers what arrived: {"firehose": {stream: [messageId, ...]}, "segment": {writeKey: [...]}}
(duplicates kept: sinks deliver at least once). Binds 0.0.0.0 on an ephemeral port (containers reach it
through the host's address) and writes the port to the file named by its one argument.
"""
import base64
import gzip
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
received = {"firehose": {}, "segment": {}}


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
        else:
            self.answer(404, {"message": "not found"})

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


def main():
    server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
