#!/usr/bin/env python3
"""A fake container-credentials (ECS/CodeBuild) and IMDSv2 endpoint on 127.0.0.1, for tests.

    fake_credentials_endpoint.py CREDENTIALS_JSON_FILE AUTH_TOKEN

Prints the port it listens on, then serves until stdin closes:
  GET  /creds                                      container credentials (needs Authorization: AUTH_TOKEN)
  PUT  /latest/api/token                           IMDSv2 session token
  GET  /latest/meta-data/iam/security-credentials/ role name (needs the session token)
  GET  /latest/meta-data/iam/security-credentials/AuditRole  credentials (needs the session token)
"""
import http.server
import json
import sys
import threading

credentials = json.load(open(sys.argv[1]))
auth_token = sys.argv[2]
IMDS_TOKEN = "imds-session-token"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.answer(200, IMDS_TOKEN, "text/plain")
        self.answer(400, "bad request", "text/plain")

    def do_GET(self):
        if self.path == "/creds":
            if self.headers.get("Authorization") != auth_token:
                return self.answer(401, '{"message":"unauthorized"}')
            return self.answer(200, json.dumps({"AccessKeyId": credentials["AccessKeyId"],
                                                 "SecretAccessKey": credentials["SecretAccessKey"],
                                                 "Token": credentials.get("SessionToken", ""),
                                                 "Expiration": "2099-01-01T00:00:00Z"}))
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.answer(401, "unauthorized", "text/plain")
            role = self.path.rsplit("/", 1)[1]
            if role == "":
                return self.answer(200, "AuditRole", "text/plain")
            return self.answer(200, json.dumps({"Code": "Success", "AccessKeyId": credentials["AccessKeyId"],
                                                 "SecretAccessKey": credentials["SecretAccessKey"],
                                                 "Token": credentials.get("SessionToken", ""),
                                                 "Expiration": "2099-01-01T00:00:00Z"}))
        self.answer(404, "not found", "text/plain")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
