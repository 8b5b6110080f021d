from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RuleBody")



@_attrs_define
class RuleBody:
    """ A tenant's own guardrail rule.

        Attributes:
            action (str): block, require_approval or log. Example: block.
            id (str): Named in violations: letters, digits and `-_.` (unique). Example: no-npm-publish.
            category (None | str | Unset): A built-in category (git_destructive, recursive_delete, sql_destructive,
                credentials,
                deploy_infra, migration, remote_script, system) or `custom` (the default).
            flags (list[str] | Unset): Options that must all be present, in any order or combination (`-f`, `--force`).
            pattern (None | str | Unset): A regular expression (case-insensitive, ≤ 512 bytes) over the raw text, for SQL
                and other
                non-shell text; with a `program`, over that command.
            program (None | str | Unset): The program, as a shell would run it (wrappers, paths and quotes are seen
                through). Example: npm.
            reason (None | str | Unset):
            subcommand (None | str | Unset): Its first operand. Example: publish.
     """

    action: str
    id: str
    category: None | str | Unset = UNSET
    flags: list[str] | Unset = UNSET
    pattern: None | str | Unset = UNSET
    program: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    subcommand: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        id = self.id

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        flags: list[str] | Unset = UNSET
        if not isinstance(self.flags, Unset):
            flags = self.flags



        pattern: None | str | Unset
        if isinstance(self.pattern, Unset):
            pattern = UNSET
        else:
            pattern = self.pattern

        program: None | str | Unset
        if isinstance(self.program, Unset):
            program = UNSET
        else:
            program = self.program

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        subcommand: None | str | Unset
        if isinstance(self.subcommand, Unset):
            subcommand = UNSET
        else:
            subcommand = self.subcommand


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "id": id,
        })
        if category is not UNSET:
            field_dict["category"] = category
        if flags is not UNSET:
            field_dict["flags"] = flags
        if pattern is not UNSET:
            field_dict["pattern"] = pattern
        if program is not UNSET:
            field_dict["program"] = program
        if reason is not UNSET:
            field_dict["reason"] = reason
        if subcommand is not UNSET:
            field_dict["subcommand"] = subcommand

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        id = d.pop("id")

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))


        flags = cast(list[str], d.pop("flags", UNSET))


        def _parse_pattern(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pattern = _parse_pattern(d.pop("pattern", UNSET))


        def _parse_program(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        program = _parse_program(d.pop("program", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_subcommand(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subcommand = _parse_subcommand(d.pop("subcommand", UNSET))


        rule_body = cls(
            action=action,
            id=id,
            category=category,
            flags=flags,
            pattern=pattern,
            program=program,
            reason=reason,
            subcommand=subcommand,
        )

        return rule_body

