import 'reflect-metadata';
import { runService } from '@parley/common';
import { SERVICE } from './service';

void runService(SERVICE);
