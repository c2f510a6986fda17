from django.shortcuts import render

from bench.bare.models import Bid


def bids(request):
    rows = Bid.objects.filter(reference__isnull=False).order_by("id")[:50]
    return render(request, "bare/bids.html", {"bids": rows})
