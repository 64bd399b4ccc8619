"""template.yaml as CloudFormation receives it: transformed by the SAM translator, offline, for parameter sets.

Usage: transformed_template.py TEMPLATE VARIANT_JSON...  (each VARIANT_JSON an object of parameter values)

Prints a JSON array, one object per variant: its parameters, every IAM role (trust policy, managed policy ARNs,
inline statements), every Lambda function's Role, every event source mapping's function and source, every bucket's,
schedule's and queue policy's properties. Conditions,
parameters and pseudo parameters are resolved (account 123456789012, region eu-west-1, stack room-membership);
what only a deployment knows stays a placeholder: ${Logical} for a Ref, ${Logical.Attribute} for a GetAtt, except
the Arn of a queue or log group whose name the template sets. Exits 3 when the translator is not installed.
"""
import json
import os
import re
import sys

PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "room-membership",
    "AWS::StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/room-membership/"
                    "1c3e5a70-b2d4-11ef-8f10-0a1b2c3d4e5f",
    "AWS::URLSuffix": "amazonaws.com",
}
# The translator reads the region from a boto3 session; no profile or credentials file of the machine may matter.
os.environ["AWS_DEFAULT_REGION"] = PSEUDO["AWS::Region"]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

try:
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as missing:
    print("the SAM translator (samtranslator, installed with cfn-lint) is not importable: %s" % missing,
          file=sys.stderr)
    sys.exit(3)

# What the translator asks a managed-policy loader for, by name; listed here so that nothing calls IAM.
MANAGED_POLICIES = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSLambdaSQSQueueExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
}
NO_VALUE = object()


class StaticPolicies:
    def load(self):
        return dict(MANAGED_POLICIES)


class Resolver:
    """Evaluates the intrinsic functions of a transformed template for one set of parameter values."""

    def __init__(self, template, parameters):
        self.template = template
        self.resources = template["Resources"]
        self.parameters = {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}
        self.parameters.update(parameters)

    def value(self, node):
        if isinstance(node, dict) and len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(logical, attribute)
            if key == "Fn::If":
                name, if_true, if_false = arg
                return self.value(if_true if self.condition(name) else if_false)
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else arg
                return self.sub(text, {name: self.value(v) for name, v in variables.items()})
            if key == "Fn::Select":
                index, items = arg
                return self.value(items)[int(self.value(index))]
            if key == "Fn::Split":
                delimiter, text = arg
                return self.value(text).split(delimiter)
            if key == "Fn::Join":
                delimiter, items = arg
                return delimiter.join(self.value(items))
        if isinstance(node, dict):
            resolved = {key: self.value(v) for key, v in node.items()}
            return {key: v for key, v in resolved.items() if v is not NO_VALUE}
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        return node

    def ref(self, name):
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return self.parameters[name]
        return "${%s}" % name

    def get_att(self, logical, attribute):
        resource = self.resources[logical]
        properties = self.value(resource.get("Properties", {}))
        account, region = PSEUDO["AWS::AccountId"], PSEUDO["AWS::Region"]
        if attribute == "Arn" and resource["Type"] == "AWS::SQS::Queue" and "QueueName" in properties:
            return "arn:aws:sqs:%s:%s:%s" % (region, account, properties["QueueName"])
        if attribute == "Arn" and resource["Type"] == "AWS::Logs::LogGroup" and "LogGroupName" in properties:
            # CloudFormation's Arn of a log group ends in :*, which takes in its log streams.
            return "arn:aws:logs:%s:%s:log-group:%s:*" % (region, account, properties["LogGroupName"])
        return "${%s.%s}" % (logical, attribute)

    def sub(self, text, variables):
        def replace(match):
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return variables[name]
            if "." in name:
                return self.get_att(*name.split(".", 1))
            return self.ref(name)

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def condition(self, name):
        return self.truth(self.template["Conditions"][name])

    def truth(self, node):
        (key, arg), = node.items()
        if key == "Fn::Equals":
            return self.value(arg[0]) == self.value(arg[1])
        if key == "Fn::Not":
            return not self.truth(arg[0])
        if key == "Fn::And":
            return all(self.truth(item) for item in arg)
        if key == "Fn::Or":
            return any(self.truth(item) for item in arg)
        if key == "Condition":
            return self.condition(arg)
        raise ValueError("not a condition: %s" % key)


def variant(template_text, parameters):
    template = yaml_parse(template_text)
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            # What sam package puts there once it has uploaded the folder sam build made.
            properties["CodeUri"] = "s3://deployment-bucket/room-membership.zip"
    values = dict(parameters)
    values.update(PSEUDO)
    transformed = transform(template, values, StaticPolicies())
    resolver = Resolver(transformed, parameters)
    resources = transformed["Resources"]

    def of_type(type_name):
        return {logical: resource for logical, resource in resources.items() if resource["Type"] == type_name
                and ("Condition" not in resource or resolver.condition(resource["Condition"]))}

    roles = {}
    for logical, role in of_type("AWS::IAM::Role").items():
        properties = resolver.value(role["Properties"])
        roles[logical] = {
            "trust": properties.get("AssumeRolePolicyDocument", {}).get("Statement", []),
            "managedPolicyArns": properties.get("ManagedPolicyArns", []),
            "permissionsBoundary": properties.get("PermissionsBoundary"),
            "policies": [{"name": policy["PolicyName"], "statements": policy["PolicyDocument"]["Statement"]}
                         for policy in properties.get("Policies", [])],
        }
    return {
        "parameters": parameters,
        "roles": roles,
        "policyResources": sorted(of_type("AWS::IAM::Policy")) + sorted(of_type("AWS::IAM::ManagedPolicy")),
        "functions": {logical: {"role": resolver.value(function["Properties"]["Role"])}
                      for logical, function in of_type("AWS::Lambda::Function").items()},
        "buckets": {logical: resolver.value(bucket.get("Properties", {}))
                    for logical, bucket in of_type("AWS::S3::Bucket").items()},
        "schedules": {logical: resolver.value(schedule.get("Properties", {}))
                      for logical, schedule in of_type("AWS::Scheduler::Schedule").items()},
        "queuePolicies": {logical: resolver.value(policy.get("Properties", {}))
                          for logical, policy in of_type("AWS::SQS::QueuePolicy").items()},
        "eventSourceMappings": {logical: {"function": resolver.value(mapping["Properties"]["FunctionName"]),
                                          "eventSourceArn": resolver.value(mapping["Properties"]["EventSourceArn"])}
                                for logical, mapping in of_type("AWS::Lambda::EventSourceMapping").items()},
    }


def main(template_path, variants):
    with open(template_path, encoding="utf-8") as f:
        text = f.read()
    print(json.dumps([variant(text, json.loads(parameters)) for parameters in variants], indent=1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
