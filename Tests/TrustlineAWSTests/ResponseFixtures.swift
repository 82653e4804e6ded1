// ResponseFixtures — AWS Query responses in the shapes the services (and moto) send them.
enum Fixture {
    static let getCallerIdentity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/trustline-1</Arn>
            <UserId>AROAEXAMPLEID:trustline-1</UserId>
            <Account>222222222222</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
        </GetCallerIdentityResponse>
        """

    static func assumeRole(
        keyId: String = "ASIAASSUMED", secret: String = "assumedSecret", token: String = "assumedToken", expiration: String = "2030-01-01T00:00:00.123456Z"
    ) -> String {
        """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <SourceIdentity>Alice</SourceIdentity>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::222222222222:assumed-role/demo/TestAR</Arn>
              <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>\(keyId)</AccessKeyId>
              <SecretAccessKey>\(secret)</SecretAccessKey>
              <SessionToken>\(token)</SessionToken>
              <Expiration>\(expiration)</Expiration>
            </Credentials>
            <PackedPolicySize>6</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """
    }

    static let assumeRoleWithWebIdentity = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>repo:org/app:ref:refs/heads/main</SubjectFromWebIdentityToken>
            <Audience>sts.amazonaws.com</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::111111111111:assumed-role/GitHubAudit/trustline</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:trustline</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>webToken</SessionToken>
              <SecretAccessKey>webSecret</SecretAccessKey>
              <Expiration>2030-10-24T23:00:23Z</Expiration>
              <AccessKeyId>ASIAWEB</AccessKeyId>
            </Credentials>
            <Provider>token.actions.githubusercontent.com</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """

    /// `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`, URL-encoded
    static let encodedTrust =
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111111111111%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"

    static let getRole = """
        <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetRoleResult>
            <Role>
              <Path>/</Path>
              <AssumeRolePolicyDocument>\(encodedTrust)</AssumeRolePolicyDocument>
              <MaxSessionDuration>3600</MaxSessionDuration>
              <RoleId>AROAFP4BKI7Y7TEXAMPLE</RoleId>
              <RoleName>cdk-hnb659fds-deploy-role-222222222222-us-east-1</RoleName>
              <Arn>arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-us-east-1</Arn>
              <CreateDate>2026-11-20T17:43:18.123Z</CreateDate>
              <PermissionsBoundary>
                <PermissionsBoundaryType>Policy</PermissionsBoundaryType>
                <PermissionsBoundaryArn>arn:aws:iam::222222222222:policy/boundary</PermissionsBoundaryArn>
              </PermissionsBoundary>
              <Tags>
                <member><Key>aws-cdk:bootstrap-role</Key><Value>deploy</Value></member>
              </Tags>
              <RoleLastUsed/>
            </Role>
          </GetRoleResult>
          <ResponseMetadata><RequestId>df37e965-9967-11e1-a4c3-270EXAMPLE04</RequestId></ResponseMetadata>
        </GetRoleResponse>
        """

    static func listRoles(names: [String], truncated: Bool, marker: String?) -> String {
        let members = names.map {
            "<member><Path>/</Path><RoleName>\($0)</RoleName><RoleId>AROA\($0.count)</RoleId><Arn>arn:aws:iam::222222222222:role/\($0)</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>\(encodedTrust)</AssumeRolePolicyDocument></member>"
        }.joined()
        return """
            <ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <ListRolesResult>
                <IsTruncated>\(truncated)</IsTruncated>
                \(marker.map { "<Marker>\($0)</Marker>" } ?? "")
                <Roles>\(members)</Roles>
              </ListRolesResult>
              <ResponseMetadata><RequestId>20f7279f-99ee-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
            </ListRolesResponse>
            """
    }

    static let listAttachedRolePolicies = """
        <ListAttachedRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <ListAttachedRolePoliciesResult>
            <AttachedPolicies>
              <member>
                <PolicyName>AdministratorAccess</PolicyName>
                <PolicyArn>arn:aws:iam::aws:policy/AdministratorAccess</PolicyArn>
              </member>
            </AttachedPolicies>
            <IsTruncated>false</IsTruncated>
          </ListAttachedRolePoliciesResult>
          <ResponseMetadata><RequestId>9a8ebb5a-26a3-11e4-a3d1-d5fc6EXAMPLE</RequestId></ResponseMetadata>
        </ListAttachedRolePoliciesResponse>
        """

    static let listRolePolicies = """
        <ListRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <ListRolePoliciesResult>
            <PolicyNames>
              <member>CdkInline</member>
              <member>Other</member>
            </PolicyNames>
            <IsTruncated>false</IsTruncated>
          </ListRolePoliciesResult>
          <ResponseMetadata><RequestId>8c7e1816-99f0-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
        </ListRolePoliciesResponse>
        """

    static let getRolePolicy = """
        <GetRolePolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetRolePolicyResult>
            <PolicyName>CdkInline</PolicyName>
            <RoleName>cdk-hnb659fds-cfn-exec-role-222222222222-us-east-1</RoleName>
            <PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%22%7D%5D%7D</PolicyDocument>
          </GetRolePolicyResult>
          <ResponseMetadata><RequestId>7e7cd8bc-99ef-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
        </GetRolePolicyResponse>
        """

    static let getPolicy = """
        <GetPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetPolicyResult>
            <Policy>
              <PolicyName>CdkDeployPolicy</PolicyName>
              <DefaultVersionId>v3</DefaultVersionId>
              <PolicyId>Z27SI6FQMGNQ2EXAMPLE1</PolicyId>
              <Path>/</Path>
              <Arn>arn:aws:iam::333333333333:policy/CdkDeployPolicy</Arn>
              <AttachmentCount>1</AttachmentCount>
              <CreateDate>2014-09-15T17:36:14Z</CreateDate>
              <UpdateDate>2014-09-15T20:31:47Z</UpdateDate>
            </Policy>
          </GetPolicyResult>
          <ResponseMetadata><RequestId>684f0917-3d22-11e4-a4a0-cffb9EXAMPLE</RequestId></ResponseMetadata>
        </GetPolicyResponse>
        """

    static let getPolicyVersion = """
        <GetPolicyVersionResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetPolicyVersionResult>
            <PolicyVersion>
              <Document>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</Document>
              <IsDefaultVersion>true</IsDefaultVersion>
              <VersionId>v3</VersionId>
              <CreateDate>2014-09-15T20:31:47Z</CreateDate>
            </PolicyVersion>
          </GetPolicyVersionResult>
          <ResponseMetadata><RequestId>d472f28e-3d23-11e4-a4a0-cffb9EXAMPLE</RequestId></ResponseMetadata>
        </GetPolicyVersionResponse>
        """

    static func describeStacks(nextToken: String? = nil, lastUpdated: Bool = true) -> String {
        """
        <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
          <DescribeStacksResult>
            <Stacks>
              <member>
                <StackName>CDKToolkit</StackName>
                <StackId>arn:aws:cloudformation:us-east-1:222222222222:stack/CDKToolkit/1a2b</StackId>
                <StackStatus>UPDATE_COMPLETE</StackStatus>
                <CreationTime>2026-11-01T10:00:00.000Z</CreationTime>
                \(lastUpdated ? "<LastUpdatedTime>2026-11-20T08:30:15.543210Z</LastUpdatedTime>" : "")
                <Parameters>
                  <member><ParameterKey>TrustedAccounts</ParameterKey><ParameterValue>111111111111,444444444444</ParameterValue></member>
                  <member><ParameterKey>TrustedAccountsForLookup</ParameterKey><ParameterValue></ParameterValue></member>
                  <member><ParameterKey>CloudFormationExecutionPolicies</ParameterKey><ParameterValue>arn:aws:iam::aws:policy/AdministratorAccess</ParameterValue></member>
                  <member><ParameterKey>Qualifier</ParameterKey><ParameterValue>hnb659fds</ParameterValue></member>
                </Parameters>
                <Outputs>
                  <member><OutputKey>BootstrapVersion</OutputKey><OutputValue>30</OutputValue><Description>The version</Description></member>
                </Outputs>
                <Tags/>
              </member>
            </Stacks>
            \(nextToken.map { "<NextToken>\($0)</NextToken>" } ?? "")
          </DescribeStacksResult>
          <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
        </DescribeStacksResponse>
        """
    }

    static let awsError = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>Sender</Type>
            <Code>AccessDenied</Code>
            <Message>User: arn:aws:iam::111111111111:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/r</Message>
          </Error>
          <RequestId>4a4ff8b7-1c31-11ef-9c56-example</RequestId>
        </ErrorResponse>
        """

    /// moto's shape: `<Errors>` around the error, no RequestId at the top.
    static let motoError = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ErrorResponse><Errors><Error><Code>NoSuchEntity</Code><Message>Role x not found</Message></Error></Errors></ErrorResponse>
        """

    static let stackMissing = """
        <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
          <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id CDKToolkit does not exist</Message></Error>
          <RequestId>42d1c5fc-b7e0-4e3c-b1d0-example</RequestId>
        </ErrorResponse>
        """

    static let throttling = """
        <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>
        """
}
