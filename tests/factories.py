from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import District, Membership, Organisation, User
from accounts.roles import Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted: list[Role] | None, **kwargs):
        if create and extracted:
            # get_or_create: live-server tests flush the tables, taking the groups that a
            # data migration made with them.
            self.groups.add(
                *(Group.objects.get_or_create(name=role.label)[0] for role in extracted)
            )


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Iterator(["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Group {n}")
    type = Organisation.Type.COMMUNITY_GROUP
    address_line_1 = "1 High Street"
    town = "Leeds"
    postcode = "LS1 1AA"
    district = factory.SubFactory(DistrictFactory, name="Leeds")
    is_applicant = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER
