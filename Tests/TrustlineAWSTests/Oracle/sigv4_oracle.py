#!/usr/bin/env python3
"""Signs requests with botocore's SigV4 at a fixed time: the oracle for trustline's own signer.

Reads a JSON list of {method, url, headers: [[name, value]], body, region, service, token?}
on stdin and prints a JSON list of the Authorization header values botocore computes.
"""
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

cases = json.load(sys.stdin)
out = []
for case in cases:
    creds = Credentials(case.get("accessKeyId", "AKIDEXAMPLE"),
                        case.get("secret", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                        case.get("token"))
    request = AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode())
    for name, value in case["headers"]:
        request.headers[name] = value
    request.context["timestamp"] = case.get("timestamp", "20150830T123600Z")
    auth = SigV4Auth(creds, case["service"], case["region"])
    auth._modify_request_before_signing(request)
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    signature = auth.signature(string_to_sign, request)
    scope = auth.credential_scope(request)
    signed = auth.signed_headers(auth.headers_to_sign(request))
    out.append(f"AWS4-HMAC-SHA256 Credential={creds.access_key}/{scope}, SignedHeaders={signed}, Signature={signature}")
json.dump(out, sys.stdout)
