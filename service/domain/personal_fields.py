"""The catalogue of personal fields: the one list of what identifies or describes a person (issue 18, item 3).

The audit trail keeps which of these changed and who changed them, never their values: a created record's entry
names them (`PERSONAL`), an update's holds a keyed hash of the old and the new value (`{"personal": [old, new]}`,
hashes by the national-id vault's key, so that an admin can tell whether a value went back to an earlier one
without reading it). Every other field (statuses, dates of enrolments, project codes, roles, settings, the
pseudonymous facts figures are made from) keeps its old and new values. Records are named by their table.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Personal fields by table: names, birth date, contacts, documents and national ids, sex, groups, citizenship,
#: the district a person lives in, free text about a person.
PERSONAL_FIELDS: Mapping[str, frozenset[str]] = {
    "trainees": frozenset({
        "given_name", "family_name", "national_id_hash", "national_id_ciphertext", "no_document_reason", "sex",
        "birth_date", "phone", "email", "district", "vulnerable_groups", "citizenship"}),
    "trainee_documents": frozenset({"type", "issuing_country", "number_hash", "number_ciphertext"}),
    "enrolments": frozenset({"vulnerable_groups_at_entry", "indicator_groups_at_entry", "citizenship_at_entry"}),
    "referrals": frozenset({"note"}),
}
#: A created record's entry names a personal field set with this, in place of its value.
PERSONAL = "[personal]"
#: The key of an update's personal change: `{"personal": [old hash, new hash]}` (a hash is null for no value).
HASHES = "personal"


def personal(entity_type: str) -> frozenset[str]:
    """The personal fields of a record of this table (none for a table the catalogue does not name)."""
    return PERSONAL_FIELDS.get(entity_type, frozenset())


def is_personal_change(value: object) -> bool:
    """Whether an audit entry's value of a field is the mark of a personal one (created or changed)."""
    return value == PERSONAL or (isinstance(value, dict) and set(value) == {HASHES})
