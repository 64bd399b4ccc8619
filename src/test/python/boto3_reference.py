"""The tool a user would otherwise write: the same grouping and calls as the function, with boto3.

Reads an SQS event (the events/ files), groups every member request per room across all records (the later
record decides the role), calls BatchCreateRoomMembership with at most 50 members per call, and sends each failed
member to the dead-letter queue with its ErrorCode. Endpoints, region and credentials come from the environment
(AWS_ENDPOINT_URL_CHIME, AWS_ENDPOINT_URL_SQS, AWS_REGION, AWS_ACCESS_KEY_ID, ...). Prints "done" when finished.
"""
import json
import sys

import boto3


def requests_of(body):
    message = json.loads(body)
    if message.get("Type") == "Notification" and isinstance(message.get("Message"), str):
        message = json.loads(message["Message"])
    items = list(message.get("MembershipItemList") or [])
    if "MemberId" in message:
        items.append({"MemberId": message["MemberId"], "Role": message.get("Role")})
    return message["AccountId"], message["RoomId"], items


def main(event_path, dead_letter_queue_url):
    with open(event_path, encoding="utf-8") as f:
        records = json.load(f)["Records"]
    rooms = {}
    for record in records:
        account, room, items = requests_of(record["body"])
        members = rooms.setdefault((account, room), {})
        for item in items:
            members.pop(item["MemberId"], None)
            members[item["MemberId"]] = item.get("Role") or "Member"
    chime = boto3.client("chime", region_name="us-east-1")
    failed = []
    for (account, room), members in rooms.items():
        ids = list(members)
        for start in range(0, len(ids), 50):
            chunk = [{"MemberId": m, "Role": members[m]} for m in ids[start:start + 50]]
            response = chime.batch_create_room_membership(AccountId=account, RoomId=room, MembershipItemList=chunk)
            for error in response.get("Errors", []):
                if error.get("ErrorCode") != "Conflict":
                    failed.append({"AccountId": account, "RoomId": room,
                                   "MembershipItemList": [{"MemberId": error["MemberId"],
                                                           "Role": members[error["MemberId"]]}],
                                   "ErrorCode": error.get("ErrorCode"), "ErrorMessage": error.get("ErrorMessage")})
    if failed:
        sqs = boto3.client("sqs")
        for start in range(0, len(failed), 10):
            sqs.send_message_batch(QueueUrl=dead_letter_queue_url, Entries=[
                {"Id": str(i), "MessageBody": json.dumps(letter),
                 "MessageAttributes": {"ErrorCode": {"DataType": "String", "StringValue": letter["ErrorCode"]}}}
                for i, letter in enumerate(failed[start:start + 10])])
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
