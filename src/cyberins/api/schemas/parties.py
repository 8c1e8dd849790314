"""Bodies of sign-in, organizations, users, API keys and the panel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cyberins.api.schemas.common import In, Out
from cyberins.model.vocab import OrgKind, Role

Name = Annotated[str, Field(min_length=1, max_length=200)]
Password = Annotated[str, Field(min_length=12, max_length=200)]


class TokenRequest(In):
    username: Annotated[str, Field(min_length=3, max_length=254, description="The user's email")]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "email": "uw@insurer.example",
                    "name": "Li Wei",
                    "role": "underwriter",
                    "password": "a long passphrase",
                }
            ]
        },  # fmt: skip
    )
    email: Annotated[str, Field(min_length=3, max_length=254)]
    name: Name
    role: Role
    password: Password


class PasswordChange(In):
    current_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Password


class UserPublic(Out):
    id: str
    org_id: str
    email: str
    name: str
    role: Role
    active: bool
    created_at: datetime


class PasswordReset(BaseModel):
    user: UserPublic
    password: str = Field(description="The new random password, shown once: hand it to the user, who changes it.")


class OrganizationCreate(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Example Trading Co., Ltd.",
                    "kind": "insured",
                    "country": "CN",
                    "admin": {
                        "email": "it@trading.example",
                        "name": "Wang Fang",
                        "role": "admin",
                        "password": "a long passphrase",
                    },
                }
            ]
        },  # fmt: skip
    )
    name: Name
    kind: OrgKind
    country: Annotated[str | None, Field(default=None, pattern=r"^[A-Z]{2}$")]
    admin: UserCreate | None = None


class OrganizationPublic(Out):
    id: str
    name: str
    kind: OrgKind
    country: str | None
    created_at: datetime


class PanelAdd(In):
    provider_org_id: str


class MePublic(BaseModel):
    organization: OrganizationPublic
    role: Role
    user_id: str | None
    api_key_id: str | None


class ApiKeyCreate(In):
    name: Name
    role: Role = Role.VIEWER


class ApiKeyPublic(Out):
    id: str
    org_id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The secret, shown once: send it as the X-API-Key header.")
