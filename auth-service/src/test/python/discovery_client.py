"""A client that knows only the issuer, as authlib's users write one.

It reads the RFC 8414 metadata, gets a client_credentials token from the token endpoint it names
(authlib), verifies the token's signature with the key set it names (joserfc, authlib's JOSE), introspects it (RFC 7662), revokes it
(RFC 7009) and introspects it again. Prints what it saw as one JSON object; any failure exits
non-zero with the reason.
"""
import json
import os
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet


def main():
    issuer = os.environ["ISSUER"]
    audience = os.environ["AUDIENCE"]
    metadata = requests.get(issuer + "/.well-known/oauth-authorization-server", timeout=5).json()
    if metadata["issuer"] != issuer:
        sys.exit("metadata names issuer %r" % metadata["issuer"])

    client = OAuth2Session(os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"],
                           token_endpoint_auth_method="client_secret_basic")
    token = client.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    access = token["access_token"]

    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=5).json())
    claims = jwt.decode(access, keys).claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
    ).validate(claims)

    before = client.introspect_token(metadata["introspection_endpoint"], token=access).json()
    revoked = client.revoke_token(metadata["revocation_endpoint"], token=access)
    after = client.introspect_token(metadata["introspection_endpoint"], token=access).json()

    print(json.dumps({
        "token_type": token["token_type"],
        "sub": claims["sub"],
        "active_before": before["active"],
        "revoke_status": revoked.status_code,
        "active_after": after["active"],
    }))


if __name__ == "__main__":
    main()
