import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_DIR, loadDashboardAssets } from './dashboard-assets';
import { registerDashboardRoutes } from './dashboard.routes';

/** The web dashboard (README "Dashboard"): static pages served by the gateway at `/dashboard/`. */
@Module({})
export class DashboardModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.http.httpAdapter.getInstance<FastifyInstance>();
    registerDashboardRoutes(fastify, loadDashboardAssets(DASHBOARD_DIR));
  }
}
