#!/usr/bin/env python3
"""Creates (idempotently) the role GitHubAudit trusting GitHub's OIDC provider in the emulated
management account, as an organisation-wide audit job would use. Talks only to AWS_ENDPOINT_URL
(the loopback emulator), with the credentials from the environment."""
import json
import os

import boto3

assert os.environ["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:"), "emulator endpoints only"
iam = boto3.client("iam", region_name="us-east-1")
provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
trust = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
    }],
}
try:
    iam.create_role(RoleName="GitHubAudit", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="GitHubAudit", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
except iam.exceptions.EntityAlreadyExistsException:
    pass
print("ok")
