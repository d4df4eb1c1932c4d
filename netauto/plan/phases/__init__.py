"""The planner's phases, one module each, run in this order by
:func:`netauto.plan.build.build_plan` over one :class:`~netauto.plan.state.PlanState`:

1. :mod:`~netauto.plan.phases.ipv6` ``check_zones``, then a checkpoint;
2. :mod:`~netauto.plan.phases.ipv6`: site /56s, LAN /64s, loopback /128s, link /64s;
3. :mod:`~netauto.plan.phases.ipv4`: pools, fixed addresses, ledger entries, the rest;
4. :mod:`~netauto.plan.phases.interfaces`: LAN interfaces and link ends named;
5. :mod:`~netauto.plan.phases.vms`: a host number per VM; then a checkpoint (any problem
   or exhausted pool so far stops the run with every one of them);
6. :mod:`~netauto.plan.phases.assemble`: the :class:`~netauto.plan.models.Plan`, its pool
   usage and the new ledger;
7. :mod:`~netauto.plan.phases.diff`: what changed from the old ledger.

Each module's ``run(state)`` says which fields of the state it reads and writes.
"""
