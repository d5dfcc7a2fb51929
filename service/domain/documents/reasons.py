"""Why a person is registered without any identity document (a code from this fixed list)."""

from __future__ import annotations

from service.translations import N_

#: The codes and their labels. `asylum_pending`: an asylum seeker whose document is not yet issued;
#: `withheld`: the person has one but keeps it (or it is kept from them, e.g. by an employer or landlord).
NO_DOCUMENT_REASONS: dict[str, str] = {
    "none_held": N_("Holds no identity document"),
    "asylum_pending": N_("Asylum application pending, no document issued yet"),
    "lost_or_stolen": N_("Document lost or stolen"),
    "withheld": N_("Document withheld or not shown"),
    "other": N_("Other reason"),
}
