from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.lock_view import LockView
  from ..models.reservation_view import ReservationView
  from ..models.task_view import TaskView





T = TypeVar("T", bound="ClaimView")



@_attrs_define
class ClaimView:
    """ 
        Attributes:
            fence (int): Present this fence on heartbeat, complete and fail.
            lease_expires_at (str):
            locks (list[LockView]): Locks taken for the claim's `scope`, released with the lease.
            task (TaskView):
            reservation (None | ReservationView | Unset):
     """

    fence: int
    lease_expires_at: str
    locks: list[LockView]
    task: TaskView
    reservation: None | ReservationView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.lock_view import LockView # noqa: PLC0415
        from ..models.reservation_view import ReservationView # noqa: PLC0415
        from ..models.task_view import TaskView # noqa: PLC0415
        fence = self.fence

        lease_expires_at = self.lease_expires_at

        locks = []
        for locks_item_data in self.locks:
            locks_item = locks_item_data.to_dict()
            locks.append(locks_item)



        task = self.task.to_dict()

        reservation: dict[str, Any] | None | Unset
        if isinstance(self.reservation, Unset):
            reservation = UNSET
        elif isinstance(self.reservation, ReservationView):
            reservation = self.reservation.to_dict()
        else:
            reservation = self.reservation


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "fence": fence,
            "lease_expires_at": lease_expires_at,
            "locks": locks,
            "task": task,
        })
        if reservation is not UNSET:
            field_dict["reservation"] = reservation

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lock_view import LockView # noqa: PLC0415
        from ..models.reservation_view import ReservationView # noqa: PLC0415
        from ..models.task_view import TaskView # noqa: PLC0415
        d = dict(src_dict)
        fence = d.pop("fence")

        lease_expires_at = d.pop("lease_expires_at")

        locks = []
        _locks = d.pop("locks")
        for locks_item_data in (_locks):
            locks_item = LockView.from_dict(locks_item_data)



            locks.append(locks_item)


        task = TaskView.from_dict(d.pop("task"))




        def _parse_reservation(data: object) -> None | ReservationView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reservation_type_0 = ReservationView.from_dict(data)



                return reservation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReservationView | Unset, data)

        reservation = _parse_reservation(d.pop("reservation", UNSET))


        claim_view = cls(
            fence=fence,
            lease_expires_at=lease_expires_at,
            locks=locks,
            task=task,
            reservation=reservation,
        )


        claim_view.additional_properties = d
        return claim_view

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
