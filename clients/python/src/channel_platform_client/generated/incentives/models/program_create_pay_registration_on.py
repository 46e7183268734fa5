from typing import Literal

ProgramCreatePayRegistrationOn = Literal["approved", "registered"]

PROGRAM_CREATE_PAY_REGISTRATION_ON_VALUES: set[ProgramCreatePayRegistrationOn] = {
    "approved",
    "registered",
}


def check_program_create_pay_registration_on(value: str) -> ProgramCreatePayRegistrationOn:
    if value in PROGRAM_CREATE_PAY_REGISTRATION_ON_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROGRAM_CREATE_PAY_REGISTRATION_ON_VALUES!r}")
