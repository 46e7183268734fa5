from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.owner_out import OwnerOut


T = TypeVar("T", bound="SubscriptionWithSecret")


@_attrs_define
class SubscriptionWithSecret:
    """On create and rotate-secret only: the new secret, shown this once.

    Attributes:
        id (str):
        url (str):
        event_types (list[str]):
        description (None | str):
        status (str):
        disabled_reason (None | str):
        owner (OwnerOut):
        previous_secret_expires_at (None | str):
        failing_since (None | str):
        last_success_at (None | str):
        created_at (str):
        updated_at (str):
        version (int):
        secret (str):
    """

    id: str
    url: str
    event_types: list[str]
    description: None | str
    status: str
    disabled_reason: None | str
    owner: OwnerOut
    previous_secret_expires_at: None | str
    failing_since: None | str
    last_success_at: None | str
    created_at: str
    updated_at: str
    version: int
    secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        event_types = self.event_types

        description: None | str
        description = self.description

        status = self.status

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        owner = self.owner.to_dict()

        previous_secret_expires_at: None | str
        previous_secret_expires_at = self.previous_secret_expires_at

        failing_since: None | str
        failing_since = self.failing_since

        last_success_at: None | str
        last_success_at = self.last_success_at

        created_at = self.created_at

        updated_at = self.updated_at

        version = self.version

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "event_types": event_types,
                "description": description,
                "status": status,
                "disabled_reason": disabled_reason,
                "owner": owner,
                "previous_secret_expires_at": previous_secret_expires_at,
                "failing_since": failing_since,
                "last_success_at": last_success_at,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.owner_out import OwnerOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        status = d.pop("status")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        owner = OwnerOut.from_dict(d.pop("owner"))

        def _parse_previous_secret_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_secret_expires_at = _parse_previous_secret_expires_at(d.pop("previous_secret_expires_at"))

        def _parse_failing_since(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failing_since = _parse_failing_since(d.pop("failing_since"))

        def _parse_last_success_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_success_at = _parse_last_success_at(d.pop("last_success_at"))

        created_at = d.pop("created_at")

        updated_at = d.pop("updated_at")

        version = d.pop("version")

        secret = d.pop("secret")

        subscription_with_secret = cls(
            id=id,
            url=url,
            event_types=event_types,
            description=description,
            status=status,
            disabled_reason=disabled_reason,
            owner=owner,
            previous_secret_expires_at=previous_secret_expires_at,
            failing_since=failing_since,
            last_success_at=last_success_at,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            secret=secret,
        )

        subscription_with_secret.additional_properties = d
        return subscription_with_secret

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
