"""Loading the demo programme through the use cases, exactly as API users would.

Every record is validated by the API's input schema and written by the service function
behind its endpoint, so rules, audit entries and outbox events all apply. The programme
side (projects, cohorts, trainees, enrolments) is written first, then the employer side
(employers, vacancies, referrals and their steps, hires, placements and their ends) in the
order it happened: the caseworker refers, records jobs found without a referral and
withdraws referrals; the demo employer user posts and closes its own employer's vacancies
and takes its referrals' steps; the caseworker does so for the other employers. A vacancy
is marked filled on the day of its last hire (see service.demo.hiring). Last, the follow-up
checkpoints are scheduled and resolved from formal jobs as the outcomes consumer does, and the
caseworker records part of the exit and month-6 checkpoints on a day inside their windows (or
could not reach the person); the others stay due, or overdue once their window has closed.

The İzmir demo (service.demo.data) is the default; `pathways demo --country SE|GT|CO` loads a country's
(service.demo.countries) beside it, as an organisation of its own, through the same steps. People the
service takes for likely duplicates of someone registered before are confirmed as other people
(`not_duplicate_of`), as a caseworker would; a person registered twice is merged into the first
registration last (service.services.merges).

Loading again creates nothing and keeps every demo user's token: one a user saved keeps
working. On the embedded SQLite database the tokens are kept in plain text beside it (see
service.demo.tokens), so that each run prints them again; `reissue_tokens` replaces them.
Each demo user also gets a random web password (their sign-in on the pages), kept and shown the
same way; a demo user without one (removed and made again, or from before passwords) gets one on
the next load, and a password changed since is neither shown nor replaced.
A first load that was interrupted is not resumed: delete the database (`make clean`) to
start afresh.
"""

from __future__ import annotations

import functools
import random
import secrets
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from schemas.employers import EmployerCreateSchema, VacancyCreateSchema, VacancyPatchSchema
from schemas.enrolments import CompleteSchema, DropOutSchema, EnrolmentCreateSchema
from schemas.organisations import OrganisationPatchSchema
from schemas.placements import (FollowUpRecordSchema, PlacementCreateSchema, PlacementEndSchema, ReferralCreateSchema,
                                WorkTermsSchema)
from schemas.projects import CohortCreateSchema, ProjectCreateSchema
from schemas.trainees import TraineeCreateSchema
from schemas.users import UserCreateSchema
from service.bootstrap import Pathways
from service import clock
from service.db.models import Enrolment, FollowUp, Organisation, Placement, User
from service.demo import data, generate, hiring
from service.demo.generate import Programme
from service.demo import tokens as saved_tokens
from service.domain import follow_ups as follow_up_rules
from service.domain import placements as placement_rules
from service.domain.enrolments import COMPLETED, DROPPED_OUT
from service.domain.errors import Conflict, Unauthenticated
from service.domain.roles import Principal, Role
from service.services import (accounts, employers, enrolments, follow_ups, merges, organisations, outcomes,
                              passwords, placements, projects, referrals, users, vacancies)
from service.services import tokens as token_digests
from service.services import trainees as trainee_records  # `trainees` is the count load_demo takes

CREATED = ("projects", "cohorts", "trainees", "enrolments", "employers", "vacancies", "referrals", "placements")
#: checkpoint -> (share the caseworker records, share marked unreachable); month_12 is left to collect.
COLLECTED = {"exit": (0.55, 0.08), "month_6": (0.35, 0.1)}
#: What a person without a job said at a checkpoint.
WITHOUT_A_JOB = {"unemployed": 55, "inactive": 25, "in_education": 12, "self_employed": 8}


def load_demo(pathways: Pathways, *, trainees: int | None = None, seed: int = 1400, reissue_tokens: bool = False,
              programme: Programme = data) -> dict:
    """Load the demo (`programme`: İzmir's, or a country's from service.demo.countries), or find it loaded;
    returns ids, the tokens it can show by role, the roles whose token it kept without knowing it
    (`unchanged`) and what was created. `trainees`: the programme's own number unless given."""
    try:
        organisation, admin, admin_token = organisations.bootstrap(
            pathways.uow(), **programme.ORGANISATION, admin_email=programme.USERS[Role.ADMIN])
    except Conflict:  # loaded before (or by a concurrent run)
        return _refresh(pathways, reissue_tokens, programme)
    admin_principal = users.authenticate(pathways.uow(), admin_token)
    organisations.update(pathways.uow(actor_id=admin.id), admin_principal,
                         OrganisationPatchSchema().load(programme.ORGANISATION_SETTINGS))
    tokens = {Role.ADMIN.value: admin_token}
    for role in (Role.CASEWORKER, Role.MANAGER):
        tokens[role.value] = _create_user(pathways, programme, admin_principal, role)
    project_ids, cohort_ids = _create_programme(pathways, programme, admin_principal)
    caseworker = users.authenticate(pathways.uow(), tokens[Role.CASEWORKER])
    day = clock.today(organisation.time_zone)  # once: a load running past midnight plans both sides for one day
    people = generate.plan(programme.TRAINEES if trainees is None else trainees, seed, day, programme)
    trainee_ids, enrolled = _create_people(pathways, caseworker, project_ids, cohort_ids, people)
    side = hiring.plan(people, seed, day, programme)
    employer_ids = _create_employers(pathways, caseworker, side.employers)
    tokens[Role.EMPLOYER.value] = _create_user(pathways, programme, admin_principal, Role.EMPLOYER,
                                               employer_ids[side.employer_user])
    employer_user = users.authenticate(pathways.uow(), tokens[Role.EMPLOYER])
    _replay(pathways, side, caseworker, employer_user, trainee_ids, employer_ids)
    _follow_up(pathways, caseworker, trainee_ids, seed, day)
    _merge_duplicates(pathways, caseworker, people, trainee_ids)
    sign_ins = _sign_ins(pathways, programme)
    saved_tokens.save(pathways.config, tokens, programme.SLUG, sign_ins)
    return {"organisation_id": str(organisation.id), "tokens": tokens, "sign_ins": sign_ins, "unchanged": [],
            "created": {"projects": len(project_ids), "cohorts": len(cohort_ids), "trainees": len(trainee_ids),
                        "enrolments": enrolled, "employers": len(employer_ids), "vacancies": len(side.vacancies),
                        "referrals": len(side.referrals), "placements": len(side.placements)}}


def _create_user(pathways: Pathways, programme: Programme, admin: Principal, role: Role,
                 employer_id: uuid.UUID | None = None) -> str:
    body = {"email": programme.USERS[role], "role": role.value}
    if employer_id is not None:
        body["employer_id"] = str(employer_id)
    _, token = users.create(pathways.uow(actor_id=admin.user_id), admin, UserCreateSchema().load(body))
    return token


def _create_programme(pathways: Pathways, programme: Programme, admin: Principal) -> tuple[dict, dict]:
    """Projects and cohorts; returns their ids by project code and by (code, cohort name)."""
    uow = functools.partial(pathways.uow, actor_id=admin.user_id)
    project_ids, cohort_ids = {}, {}
    for body in programme.PROJECTS:
        project = projects.create(uow(), admin, ProjectCreateSchema().load(body))
        project_ids[project.code] = project.id
        for cohort_body in programme.COHORTS[project.code]:
            cohort = projects.create_cohort(uow(), admin, project.id, CohortCreateSchema().load(cohort_body))
            cohort_ids[project.code, cohort.name] = cohort.id
    return project_ids, cohort_ids


def _create_people(pathways: Pathways, caseworker: Principal, project_ids: dict, cohort_ids: dict,
                   planned: list[generate.PlannedTrainee]) -> tuple[list[uuid.UUID], int]:
    """Register each planned trainee and take them through their enrolments; returns the
    trainees' ids in the order planned and the number of enrolments."""
    uow = functools.partial(pathways.uow, actor_id=caseworker.user_id)
    register_schema, enrol_schema = TraineeCreateSchema(), EnrolmentCreateSchema()
    complete_schema, drop_out_schema = CompleteSchema(), DropOutSchema()
    trainee_ids, enrolled = [], 0
    for person in planned:
        body = person.body
        if person.not_duplicate_of:  # the service will offer these as likely duplicates: they are others
            body = {**body, "not_duplicate_of": [str(trainee_ids[other]) for other in person.not_duplicate_of]}
        trainee = trainee_records.register(uow(), caseworker, register_schema.load(body), pathways.vault)
        trainee_ids.append(trainee.id)
        for step in person.enrolments:
            enrolment = enrolments.enrol(uow(), caseworker, enrol_schema.load({
                "trainee_id": str(trainee.id), "project_id": str(project_ids[step.project]),
                "cohort_id": str(cohort_ids[step.project, step.cohort]),
                "enrolled_on": step.enrolled_on.isoformat()}))
            enrolled += 1
            if step.status == COMPLETED:
                enrolments.complete(uow(), caseworker, enrolment.id, complete_schema.load({
                    "exited_on": step.exited_on.isoformat(), "qualification_gained": step.qualification_gained}))
            elif step.status == DROPPED_OUT:
                enrolments.drop_out(uow(), caseworker, enrolment.id, drop_out_schema.load({
                    "exited_on": step.exited_on.isoformat(), "reason": step.reason}))
    return trainee_ids, enrolled


def _create_employers(pathways: Pathways, caseworker: Principal, bodies: list[dict]) -> list[uuid.UUID]:
    schema = EmployerCreateSchema()
    return [employers.create(pathways.uow(actor_id=caseworker.user_id), caseworker, schema.load(body)).id
            for body in bodies]


def _replay(pathways: Pathways, side: hiring.EmployerSide, caseworker: Principal, employer_user: Principal,
            trainee_ids: list[uuid.UUID], employer_ids: list[uuid.UUID]) -> None:
    """Write the planned employer side, action by action, in the order it happened."""
    vacancy_schema, patch_schema = VacancyCreateSchema(), VacancyPatchSchema()
    referral_schema, terms_schema = ReferralCreateSchema(), WorkTermsSchema()
    placement_schema, end_schema = PlacementCreateSchema(), PlacementEndSchema()
    vacancy_ids, referral_ids, placement_ids = {}, {}, {}
    for action in side.actions:
        kind, target = action.kind, action.target
        if kind in (hiring.POST, hiring.FILL, hiring.CLOSE):
            employer = side.vacancies[target].employer
        elif kind in (hiring.PLACE, hiring.END):
            employer = side.placements[target].employer
        else:
            employer = side.vacancies[side.referrals[target].vacancy].employer
        own = employer == side.employer_user and kind in hiring.EMPLOYER_STEPS
        principal = employer_user if own else caseworker
        with clock.as_of(action.on):  # closing dates and job starts are judged on the day it happened
            uow = pathways.uow(actor_id=principal.user_id)
            if kind == hiring.POST:  # staff name the employer, an employer user posts for its own
                body = action.body if own else {**action.body, "employer_id": str(employer_ids[employer])}
                vacancy_ids[target] = vacancies.create(uow, principal, vacancy_schema.load(body)).id
            elif kind in (hiring.FILL, hiring.CLOSE):
                vacancies.update(uow, principal, vacancy_ids[target], patch_schema.load(action.body))
            elif kind == hiring.REFER:
                referral = side.referrals[target]
                body = {**action.body, "trainee_id": str(trainee_ids[referral.trainee])}
                referral_ids[target] = referrals.refer(uow, principal, vacancy_ids[referral.vacancy],
                                                       referral_schema.load(body)).id
            elif kind == hiring.HIRE:
                hired = referrals.hire(uow, principal, referral_ids[target], terms_schema.load(action.body))
                placement_ids[side.referrals[target].placement] = hired.placement_id
            elif kind in (hiring.INTERVIEW, hiring.REJECT, hiring.WITHDRAW):
                referrals.take_step(uow, principal, referral_ids[target], kind)
            elif kind == hiring.PLACE:
                placement = side.placements[target]
                body = {**action.body, "trainee_id": str(trainee_ids[placement.trainee]),
                        "employer_id": str(employer_ids[placement.employer])}
                placement_ids[target] = placements.create(uow, principal, placement_schema.load(body)).id
            elif kind == hiring.END:
                placements.end(uow, principal, placement_ids[target], end_schema.load(action.body))
            else:
                raise AssertionError(f"unknown demo action {kind}")


def _follow_up(pathways: Pathways, caseworker: Principal, trainee_ids: list[uuid.UUID], seed: int,
               day: date) -> None:
    """Schedule the checkpoints of the exits and resolve them from formal jobs, as the outcomes consumer
    would (it finds them done when the workers start), then record part of the exit and month-6
    checkpoints as a caseworker does, each on a day inside its window."""
    organisation_id = caseworker.organisation_id
    with pathways.uow(actor_id=caseworker.user_id) as uow:
        exits = uow.session.scalars(select(Enrolment.id).where(
            Enrolment.organisation_id == organisation_id, Enrolment.exited_on.is_not(None))).all()
        with clock.as_of(day):
            outcomes.on_exits(uow, [(organisation_id, enrolment_id) for enrolment_id in exits])
        uow.commit()
    with pathways.uow() as uow:
        open_ = uow.session.scalars(select(FollowUp).where(
            FollowUp.organisation_id == organisation_id, FollowUp.status == follow_up_rules.DUE,
            FollowUp.checkpoint.in_(list(COLLECTED)), FollowUp.due_on <= day)).all()
        jobs: dict[uuid.UUID, list[Placement]] = {}
        for job in uow.session.scalars(select(Placement).where(Placement.organisation_id == organisation_id)
                                       .order_by(Placement.started_on)):
            jobs.setdefault(job.trainee_id, []).append(job)
    order = {trainee_id: index for index, trainee_id in enumerate(trainee_ids)}
    rng, schema = random.Random(f"follow-ups:{seed}"), FollowUpRecordSchema()
    for follow_up in sorted(open_, key=lambda f: (order[f.trainee_id], f.due_on, f.checkpoint)):
        recorded, unreachable = COLLECTED[follow_up.checkpoint]
        draw = rng.random()
        window = (min(follow_up_rules.window_end(follow_up.checkpoint, follow_up.due_on), day) - follow_up.due_on).days
        observed_on = follow_up.due_on + timedelta(days=rng.randint(0, window))
        if draw < recorded:
            job = next((j for j in reversed(jobs.get(follow_up.trainee_id, []))
                        if placement_rules.active_on(j, observed_on)), None)
            body = ({"status": "recorded", "employment_status": "employed", "wage_monthly": str(job.wage_monthly),
                     "currency": job.currency} if job else
                    {"status": "recorded", "employment_status": rng.choices(
                        list(WITHOUT_A_JOB), weights=list(WITHOUT_A_JOB.values()))[0]})
        elif draw < recorded + unreachable:
            body = {"status": "unreachable"}
        else:
            continue  # not collected: due while its window is open, overdue after
        with clock.as_of(observed_on):  # the caseworker calls that day
            follow_ups.record(pathways.uow(actor_id=caseworker.user_id), caseworker, follow_up.id,
                              schema.load({**body, "observed_on": observed_on.isoformat()}))


def _merge_duplicates(pathways: Pathways, caseworker: Principal, people: list[generate.PlannedTrainee],
                      trainee_ids: list[uuid.UUID]) -> None:
    """The caseworker merges each person registered twice into the first registration."""
    for index, person in enumerate(people):
        if person.merge_into is not None:
            merges.merge(pathways.uow(actor_id=caseworker.user_id), caseworker, trainee_ids[person.merge_into],
                         trainee_ids[index])


def _refresh(pathways: Pathways, reissue: bool, programme: Programme) -> dict:
    """The demo exists: create no programme records, and keep each demo user's token unless `reissue`.

    A kept token is shown when it is the one saved beside the embedded database; one that is
    no longer the user's (replaced through the API since, or never saved, as on PostgreSQL)
    is left alone and not shown: replacing it would revoke a token someone may hold. A saved
    token that is still the user's but has expired is replaced (nobody holds a working copy).
    A demo user removed through the API is created again, so that every run has one working
    token per role; the employer user comes back for the employer it worked for. (A demo
    loaded before it had an employer side gets no employer user.)
    """
    with pathways.uow() as uow:  # a read-only look-up of what the first load created
        organisation_id = uow.session.scalar(select(Organisation.id).where(Organisation.slug == programme.SLUG))
        found = {email: (user_id, token_hash) for email, user_id, token_hash in uow.session.execute(
            select(User.email, User.id, User.token_hash).where(
                User.organisation_id == organisation_id, User.active.is_(True),
                User.email.in_(programme.USERS.values()))).all()}
        employer_id = (None if programme.USERS[Role.EMPLOYER] in found
                       else _demo_employer(uow.session, organisation_id, programme.USERS[Role.EMPLOYER]))
    if programme.USERS[Role.ADMIN] not in found:
        raise RuntimeError("The demo admin was removed; delete the database to load the demo afresh.")
    admin = Principal(user_id=found[programme.USERS[Role.ADMIN]][0], organisation_id=organisation_id,
                      role=Role.ADMIN)
    saved = saved_tokens.load(pathways.config, programme.SLUG)
    tokens, unchanged = {}, []
    for role, email in programme.USERS.items():
        if email in found:
            user_id, token_hash = found[email]
            token = saved.get(role)
            current = token is not None and token_digests.digest(token) == token_hash
            if reissue or (current and not _works(pathways, token)):
                tokens[role] = users.reissue_token(pathways.uow(), user_id)
            elif current:
                tokens[role] = token
            else:
                unchanged.append(role)
        elif role != Role.EMPLOYER:
            tokens[role] = _create_user(pathways, programme, admin, Role(role))
        elif employer_id is not None:
            tokens[role] = _create_user(pathways, programme, admin, Role.EMPLOYER, employer_id)
    sign_ins = _sign_ins(pathways, programme)
    saved_tokens.save(pathways.config, tokens, programme.SLUG, sign_ins)
    return {"organisation_id": str(organisation_id), "tokens": tokens, "sign_ins": sign_ins, "unchanged": unchanged,
            "created": dict.fromkeys(CREATED, 0)}


def _sign_ins(pathways: Pathways, programme: Programme) -> dict[str, dict[str, str]]:
    """Each demo user's web sign-in: the saved one while it is still their password; a new random password for
    a user without any; none shown for a user whose password was changed since (it is theirs now)."""
    saved = saved_tokens.load_sign_ins(pathways.config, programme.SLUG)
    with pathways.uow() as uow:
        hashes = dict(uow.session.execute(
            select(User.email, User.password_hash).join(Organisation, Organisation.id == User.organisation_id)
            .where(Organisation.slug == programme.SLUG, User.active.is_(True),
                   User.email.in_(programme.USERS.values()))).all())
    sign_ins = {}
    for role, email in programme.USERS.items():
        if email not in hashes:  # an employer user of a demo loaded before the employer side
            continue
        kept = saved.get(role)
        if hashes[email] is None:
            password = secrets.token_urlsafe(12)  # 16 characters, 96 random bits
            accounts.set_password(pathways.uow(), email, password, programme.SLUG)
            sign_ins[role] = {"email": email, "password": password}
        elif kept is not None and kept["email"] == email and passwords.verify(hashes[email], kept["password"]):
            sign_ins[role] = kept
    return sign_ins


def _works(pathways: Pathways, token: str) -> bool:
    try:
        users.authenticate(pathways.uow(), token)
    except Unauthenticated:  # expired
        return False
    return True


def _demo_employer(session, organisation_id: uuid.UUID, email: str) -> uuid.UUID | None:
    """The employer of the removed demo employer user; None when the demo has none (it was
    loaded before the employer side existed)."""
    return session.scalar(select(User.employer_id).where(
        User.organisation_id == organisation_id, User.email == email,
        User.employer_id.is_not(None)).order_by(User.created_at.desc()).limit(1))
