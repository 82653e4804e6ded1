#!/usr/bin/env python3
"""The nightly test's notification channel in the emulated organisation, as a subscriber sees it:

    sns_topic.py create NAME   -> {"topicArn": ..., "queueUrl": ...}: an SNS topic with an SQS
                                  queue subscribed to it (raw delivery off: SNS's envelope kept)
    sns_topic.py receive URL   -> [{"Subject": ..., "Message": ..., ...}, ...]: every message
                                  waiting in the queue (received, then deleted)

Talks only to AWS_ENDPOINT_URL (the loopback emulator), signing with AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY from the environment (moto checks signatures and IAM permissions)."""
import json
import os
import sys

import boto3

endpoint = os.environ["AWS_ENDPOINT_URL"]
assert endpoint.startswith("http://127.0.0.1:"), "emulator endpoints only"
session = boto3.Session(
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    region_name=os.environ.get("AWS_REGION", "us-east-1"),
)
sns = session.client("sns", endpoint_url=endpoint)
sqs = session.client("sqs", endpoint_url=endpoint)


def create(name: str) -> None:
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=name + "-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    print(json.dumps({"topicArn": topic, "queueUrl": queue}))


def receive(queue: str) -> None:
    out = []
    while True:
        answer = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = answer.get("Messages", [])
        if not messages:
            break
        for message in messages:
            out.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("create", "receive"):
        sys.exit("usage: sns_topic.py create NAME | receive QUEUE_URL")
    (create if sys.argv[1] == "create" else receive)(sys.argv[2])
