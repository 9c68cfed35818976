"""Phone numbers and 门牌 as people type them: normalised when they are one, refused whole when they are not."""

import pytest

from storage.contact_input import InvalidContact, door_number, phone_number
from storage.privacy import mask_door


@pytest.mark.parametrize(("typed", "stored"), [
    ("13800001111", "13800001111"),
    ("138 0000 1111", "13800001111"),
    ("+86 138-0000-1111", "13800001111"),
    ("０１０－１２３４５６７８", "010-12345678"),  # full-width, as Chinese input methods type it
    ("01012345678", "010-12345678"),  # 010 is a three-digit area code, never 0101
    ("053187654321", "0531-87654321"),
    ("(0531)87654321", "0531-87654321"),
    ("0531-87654321-8001", "0531-87654321-8001"),
    ("0531-87654321转8001", "0531-87654321-8001"),  # how an office writes its extension
    ("０５３１－８７６５４３２１分机８００１", "0531-87654321-8001"),
])
def test_mobiles_and_landlines_are_stored_in_one_shape(typed, stored):
    assert phone_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1380000111", "138000011112", "12800001111", "2345678",
                                   "13800001111x", "0531-87654321-1234567", "1" * 30])
def test_what_is_no_phone_number_is_refused(typed):
    with pytest.raises(InvalidContact):
        phone_number(typed)


@pytest.mark.parametrize(("typed", "stored", "masked"), [
    ("3号楼2单元501", "3号楼2单元501", "3号楼2单元***"),
    ("3-2-501", "3-2-501", "3-2-***"),
    ("8栋 1002室", "8栋1002室", "8栋***室"),
    # Said aloud: voice recognition writes the numbers in numerals.
    ("三号楼二单元五零一", "3号楼2单元501", "3号楼2单元***"),
    ("十二栋一单元幺零二室", "12栋1单元102室", "12栋1单元***室"),
])
def test_a_door_is_stored_without_spaces_and_shown_without_its_room(typed, stored, masked):
    assert door_number(typed) == stored and mask_door(stored) == masked


@pytest.mark.parametrize("typed", ["坏了", "3号楼" * 11 + "1", "<b>501</b>", "501;drop"])
def test_what_is_no_door_is_refused(typed):
    with pytest.raises(InvalidContact):
        door_number(typed)
